using InvarLock.Models.Decoder;
using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tests.Gpt2;

/// <summary>Deterministic random GPT-2 weights (GPT-2-like init: std 0.02, layer-norm weights near 1).</summary>
internal static class Gpt2TestModels
{
    internal static Gpt2Config Small(string activation = "gelu_new", bool tie = true, int vocab = 401) =>
        new(NLayer: 3, NHead: 4, NEmbd: 96, NPositions: 80, VocabSize: vocab, ActivationFunction: activation,
            TieWordEmbeddings: tie);

    /// <param name="config">The architecture.</param>
    /// <param name="seed">Seed of the deterministic generator.</param>
    /// <param name="withLmHead">Also add a separate <c>lm_head.weight</c>.</param>
    /// <param name="linearScale">Multiplies the std of every Conv1D weight; above 1 it sharpens attention and
    /// activations so numeric differences in the forward pass show up in the logits.</param>
    internal static TensorStore RandomWeights(Gpt2Config config, int seed, bool withLmHead = false, float linearScale = 1f)
    {
        var rng = new Random(seed);
        var store = new TensorStore();
        void Add(string name, int[] shape, float mean, float std)
        {
            int n = 1;
            foreach (int d in shape)
            {
                n *= d;
            }
            var data = new float[n];
            for (int i = 0; i < n; i++)
            {
                data[i] = mean + std * Gaussian(rng);
            }
            store.Add(name, shape, data);
        }
        int e = config.NEmbd;
        Add("transformer.wte.weight", [config.VocabSize, e], 0f, 0.1f); // wider than GPT-2 init so logits are not near-uniform
        Add("transformer.wpe.weight", [config.NPositions, e], 0f, 0.01f);
        for (int i = 0; i < config.NLayer; i++)
        {
            string p = $"transformer.h.{i}.";
            Add(p + "ln_1.weight", [e], 1f, 0.1f);
            Add(p + "ln_1.bias", [e], 0f, 0.05f);
            Add(p + "attn.c_attn.weight", [e, 3 * e], 0f, 0.02f * linearScale);
            Add(p + "attn.c_attn.bias", [3 * e], 0f, 0.02f);
            Add(p + "attn.c_proj.weight", [e, e], 0f, 0.02f * linearScale);
            Add(p + "attn.c_proj.bias", [e], 0f, 0.02f);
            Add(p + "ln_2.weight", [e], 1f, 0.1f);
            Add(p + "ln_2.bias", [e], 0f, 0.05f);
            Add(p + "mlp.c_fc.weight", [e, config.InnerSize], 0f, 0.02f * linearScale);
            Add(p + "mlp.c_fc.bias", [config.InnerSize], 0f, 0.02f);
            Add(p + "mlp.c_proj.weight", [config.InnerSize, e], 0f, 0.02f * linearScale);
            Add(p + "mlp.c_proj.bias", [e], 0f, 0.02f);
        }
        Add("transformer.ln_f.weight", [e], 1f, 0.1f);
        Add("transformer.ln_f.bias", [e], 0f, 0.05f);
        if (withLmHead)
        {
            Add("lm_head.weight", [config.VocabSize, e], 0f, 0.05f);
        }
        return store;
    }

    internal static DecoderModel Create(Gpt2Config config, int seed = 42, int threads = 0, bool withLmHead = false) =>
        Build(config, RandomWeights(config, seed, withLmHead), new IdTokenizer(config.VocabSize), threads);

    /// <summary>A GPT-2 on the decoder engine over <paramref name="weights"/>.</summary>
    internal static DecoderModel Build(Gpt2Config config, TensorStore weights, ITokenizer tokenizer, int threads = 0) =>
        DecoderModel.FromGpt2(config, weights, tokenizer, threads);

    internal static int[] Tokens(int length, int vocab, int seed)
    {
        var rng = new Random(seed);
        var ids = new int[length];
        for (int i = 0; i < length; i++)
        {
            ids[i] = rng.Next(vocab);
        }
        return ids;
    }

    private static float Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>A stand-in tokenizer: the tests feed token ids directly.</summary>
    internal sealed class IdTokenizer(int vocab) : ITokenizer
    {
        public TokenizerInfo Info { get; } = new("test-ids", vocab, null, new string('0', 64));
        public int[] Encode(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        public string Decode(ReadOnlySpan<int> ids) => string.Join(' ', ids.ToArray());
    }
}
