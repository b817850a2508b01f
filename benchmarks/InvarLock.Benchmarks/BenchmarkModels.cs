using InvarLock.Models.Decoder;
using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Models;

namespace InvarLock.Benchmarks;

/// <summary>Random-weight models of real shapes for throughput measurements.</summary>
internal static class BenchmarkModels
{
    /// <summary>GPT-2 small: 12 layers, 12 heads, 768 wide, 1024 positions, 50257 tokens.</summary>
    internal static Gpt2Config Gpt2Small => new(NLayer: 12, NHead: 12, NEmbd: 768, NPositions: 1024, VocabSize: 50257);

    internal static DecoderModel CreateGpt2(Gpt2Config config, int threads, int seed = 1234)
    {
        var rng = new Random(seed);
        var store = new TensorStore();
        void Add(string name, int[] shape, float mean, float std)
        {
            long n = 1;
            foreach (int d in shape)
            {
                n *= d;
            }
            var data = new float[n];
            for (long i = 0; i < n; i++)
            {
                data[i] = mean + std * (float)(rng.NextDouble() * 2 - 1) * 1.7320508f;
            }
            store.Add(name, shape, data);
        }
        int e = config.NEmbd;
        Add("transformer.wte.weight", [config.VocabSize, e], 0f, 0.02f);
        Add("transformer.wpe.weight", [config.NPositions, e], 0f, 0.01f);
        for (int i = 0; i < config.NLayer; i++)
        {
            string p = $"transformer.h.{i}.";
            Add(p + "ln_1.weight", [e], 1f, 0.05f);
            Add(p + "ln_1.bias", [e], 0f, 0.02f);
            Add(p + "attn.c_attn.weight", [e, 3 * e], 0f, 0.02f);
            Add(p + "attn.c_attn.bias", [3 * e], 0f, 0.02f);
            Add(p + "attn.c_proj.weight", [e, e], 0f, 0.02f);
            Add(p + "attn.c_proj.bias", [e], 0f, 0.02f);
            Add(p + "ln_2.weight", [e], 1f, 0.05f);
            Add(p + "ln_2.bias", [e], 0f, 0.02f);
            Add(p + "mlp.c_fc.weight", [e, config.InnerSize], 0f, 0.02f);
            Add(p + "mlp.c_fc.bias", [config.InnerSize], 0f, 0.02f);
            Add(p + "mlp.c_proj.weight", [config.InnerSize, e], 0f, 0.02f);
            Add(p + "mlp.c_proj.bias", [e], 0f, 0.02f);
        }
        Add("transformer.ln_f.weight", [e], 1f, 0.05f);
        Add("transformer.ln_f.bias", [e], 0f, 0.02f);
        return DecoderModel.FromGpt2(config, store, new NullTokenizer(config.VocabSize), threads);
    }

    internal static int[] RandomTokens(int length, int vocab, int seed)
    {
        var rng = new Random(seed);
        var ids = new int[length];
        for (int i = 0; i < length; i++)
        {
            ids[i] = rng.Next(vocab);
        }
        return ids;
    }

    /// <summary>A tokenizer stand-in: the benchmarks feed token ids directly.</summary>
    private sealed class NullTokenizer(int vocab) : ITokenizer
    {
        public TokenizerInfo Info { get; } = new("none", vocab, null, new string('0', 64));
        public int[] Encode(string text) => throw new NotSupportedException("benchmark models take token ids");
        public string Decode(ReadOnlySpan<int> ids) => throw new NotSupportedException("benchmark models take token ids");
    }
}
