using System.Globalization;
using InvarLock.Data.Synthetic;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tokenizers;
using InvarLock.Numerics;

namespace InvarLock.Models.Generation;

/// <summary>Generates a small, randomly initialised decoder checkpoint of any <see cref="TinyDecoderFamily"/> in the
/// real Hugging Face folder layout: config.json with the family's keys, model.safetensors (or shards plus
/// model.safetensors.index.json) with the family's tensor names in the chosen dtype, a byte-level BPE tokenizer
/// (tokenizer.json, vocab.json, merges.txt), tokenizer_config.json, special_tokens_map.json and
/// generation_config.json. The same options give byte-identical files on every platform.</summary>
/// <remarks>
/// <para>Initialisation: N(0, <see cref="TinyDecoderOptions.InitializerRange"/>) for embeddings and projections, the
/// residual output projections (o_proj, down_proj) at range/√(2·layers), every projection's std multiplied by
/// <see cref="TinyDecoderOptions.LinearScale"/>; biases (qwen2 q/k/v, llama <c>attention_bias</c>) N(0, range ×
/// scale); RMSNorm weights 1 + N(0, jitter), gemma's N(0, jitter) (gemma computes 1 + w). Each tensor draws from its
/// own <see cref="DeterministicNormal"/> stream seeded by the options' seed and the tensor's name, so a tensor's values
/// do not depend on which other tensors exist.</para>
/// <para>The gpt2 family is <see cref="TinyGpt2Generator"/>'s checkpoint (identical bytes for options it has), with
/// this record's extras: dtype, linear scale, padded vocabulary, untied head, shards.</para>
/// </remarks>
public static class TinyDecoderGenerator
{
    private const string EndOfText = "<|endoftext|>";

    /// <summary>Writes the checkpoint into <paramref name="folder"/> (created when missing; the files named above are
    /// replaced).</summary>
    /// <exception cref="ArgumentException">An option is out of range or not one the family has.</exception>
    public static void Generate(string folder, TinyDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Directory.CreateDirectory(folder);

        string corpus = SyntheticCorpus.Generate(options.Seed, options.CorpusCharacters);
        ByteLevelBpeModel bpe = ByteLevelBpeTrainer.Train(corpus, options.TokenizerVocabSize);
        if (bpe.EosTokenId < 0)
        {
            throw new InvalidOperationException("the trained tokenizer has no <|endoftext|> token");
        }
        int vocab = options.ConfigVocabSize ?? bpe.VocabSize;
        if (vocab < bpe.VocabSize)
        {
            throw new ArgumentException(
                $"ConfigVocabSize {vocab} is smaller than the trained tokenizer ({bpe.VocabSize} tokens)", nameof(options));
        }
        bpe.WriteTokenizerJson(Path.Combine(folder, "tokenizer.json"));
        bpe.WriteVocabJson(Path.Combine(folder, "vocab.json"));
        bpe.WriteMergesTxt(Path.Combine(folder, "merges.txt"));
        int eos = bpe.EosTokenId;

        List<SafetensorsTensor> tensors;
        if (options.Family == TinyDecoderFamily.Gpt2)
        {
            TinyGpt2Options gpt2 = ToGpt2Options(options);
            Dictionary<string, object?> config = TinyGpt2Generator.ConfigValues(gpt2, vocab, eos);
            config["torch_dtype"] = TorchDtype(options.DType);
            if (!IsTied(options))
            {
                config["tie_word_embeddings"] = false;
            }
            HfJsonFile.Write(Path.Combine(folder, "config.json"), config);
            TinyGpt2Generator.WriteTokenizerConfigs(folder, gpt2);
            tensors = BuildGpt2Weights(options, gpt2, vocab);
        }
        else
        {
            HfJsonFile.Write(Path.Combine(folder, "config.json"), ConfigValues(options, vocab, eos));
            WriteTokenizerConfigs(folder, options);
            tensors = BuildWeights(options, vocab);
        }
        TinyGpt2Generator.WriteGenerationConfig(folder, eos);
        WriteWeights(folder, tensors, options);
    }

    /// <summary>The Hugging Face <c>model_type</c> of <paramref name="family"/>.</summary>
    public static string ModelType(TinyDecoderFamily family) => family switch
    {
        TinyDecoderFamily.Gpt2 => "gpt2",
        TinyDecoderFamily.Llama => "llama",
        TinyDecoderFamily.Mistral => "mistral",
        TinyDecoderFamily.Qwen2 => "qwen2",
        TinyDecoderFamily.Qwen3 => "qwen3",
        TinyDecoderFamily.Phi3 => "phi3",
        TinyDecoderFamily.Gemma => "gemma",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a decoder family"),
    };

    /// <summary>The <c>architectures</c> entry Hugging Face writes for <paramref name="family"/>.</summary>
    public static string ArchitectureName(TinyDecoderFamily family) => family switch
    {
        TinyDecoderFamily.Gpt2 => "GPT2LMHeadModel",
        TinyDecoderFamily.Llama => "LlamaForCausalLM",
        TinyDecoderFamily.Mistral => "MistralForCausalLM",
        TinyDecoderFamily.Qwen2 => "Qwen2ForCausalLM",
        TinyDecoderFamily.Qwen3 => "Qwen3ForCausalLM",
        TinyDecoderFamily.Phi3 => "Phi3ForCausalLM",
        TinyDecoderFamily.Gemma => "GemmaForCausalLM",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a decoder family"),
    };

    /// <summary>The head dimension the options give (explicit, or hidden / heads).</summary>
    public static int HeadDimOf(TinyDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.HeadDim ?? options.Hidden / options.Heads;
    }

    /// <summary>The MLP width the options give (explicit, or the family default).</summary>
    public static int IntermediateOf(TinyDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Intermediate is { } explicitWidth)
        {
            return explicitWidth;
        }
        return options.Family == TinyDecoderFamily.Gpt2 ? 4 * options.Hidden : (8 * options.Hidden + 47) / 48 * 16;
    }

    /// <summary>Whether the output head is tied to the embedding for these options.</summary>
    public static bool IsTied(TinyDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.TieWordEmbeddings ?? options.Family is TinyDecoderFamily.Gpt2 or TinyDecoderFamily.Qwen2
            or TinyDecoderFamily.Qwen3 or TinyDecoderFamily.Gemma;
    }

    private static void Validate(TinyDecoderOptions o)
    {
        _ = ModelType(o.Family);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Hidden);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Positions);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.TokenizerVocabSize, 257);
        ArgumentOutOfRangeException.ThrowIfNegative(o.CorpusCharacters);
        if (o.Intermediate is { } inner)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inner);
        }
        if (o.ConfigVocabSize is { } vocab)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(vocab, 257);
        }
        if (o.MaxShardBytes is { } shard)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shard);
        }
        if (o.DType is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16))
        {
            throw new ArgumentException($"DType {o.DType} is not one of F32, F16, BF16", nameof(o));
        }
        if (!(o.InitializerRange > 0) || !double.IsFinite(o.InitializerRange) || !(o.LinearScale > 0)
            || !double.IsFinite(o.LinearScale) || !(o.NormJitter >= 0))
        {
            throw new ArgumentException("InitializerRange and LinearScale must be positive and NormJitter not negative", nameof(o));
        }
        if (o.NormEpsilon is { } eps && !(eps > 0))
        {
            throw new ArgumentException("NormEpsilon must be positive", nameof(o));
        }
        bool gpt2 = o.Family == TinyDecoderFamily.Gpt2;
        if (o.HeadDim is null && o.Hidden % o.Heads != 0)
        {
            throw new ArgumentException($"Hidden {o.Hidden} is not a multiple of Heads {o.Heads} and no HeadDim is given", nameof(o));
        }
        if (o.HeadDim is { } hd)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hd);
            bool ownKey = o.Family is TinyDecoderFamily.Llama or TinyDecoderFamily.Mistral or TinyDecoderFamily.Qwen3
                or TinyDecoderFamily.Gemma;
            if (!ownKey && hd * o.Heads != o.Hidden)
            {
                throw new ArgumentException($"{ModelType(o.Family)} has no head_dim key: HeadDim must be Hidden / Heads", nameof(o));
            }
        }
        int kv = o.KvHeads ?? o.Heads;
        if (kv <= 0 || o.Heads % kv != 0)
        {
            throw new ArgumentException($"KvHeads {kv} must be positive and divide Heads {o.Heads}", nameof(o));
        }
        if (gpt2 && (o.KvHeads is not null || o.HeadDim is not null || o.RopeScaling is not null || o.RopeTheta is not null
            || o.PartialRotaryFactor != 1.0))
        {
            throw new ArgumentException("gpt2 has no key/value heads, head_dim or rotary settings", nameof(o));
        }
        int rotary = (int)(HeadDimOf(o) * o.PartialRotaryFactor);
        if (!gpt2 && (!(o.PartialRotaryFactor > 0) || o.PartialRotaryFactor > 1 || rotary < 2 || rotary % 2 != 0))
        {
            throw new ArgumentException(
                $"PartialRotaryFactor {o.PartialRotaryFactor} must be in (0, 1] and rotate an even number (≥ 2) of the {HeadDimOf(o)} head dimensions",
                nameof(o));
        }
        if (o.AttentionBias && o.Family != TinyDecoderFamily.Llama)
        {
            throw new ArgumentException("AttentionBias is llama's attention_bias; qwen2's q/k/v biases are always written", nameof(o));
        }
        if (o.SlidingWindow is { } window && (o.Family != TinyDecoderFamily.Mistral || window <= 0))
        {
            throw new ArgumentException("SlidingWindow is mistral's sliding_window and must be positive", nameof(o));
        }
        if (o.StoreTiedHead && !IsTied(o))
        {
            throw new ArgumentException("StoreTiedHead needs a tied head", nameof(o));
        }
    }

    private static string TorchDtype(SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.F16 => "float16",
        SafetensorsDType.BF16 => "bfloat16",
        _ => "float32",
    };

    private static TinyGpt2Options ToGpt2Options(TinyDecoderOptions o) => new(
        Seed: o.Seed, Layers: o.Layers, Heads: o.Heads, Embd: o.Hidden, Positions: o.Positions,
        VocabSize: o.TokenizerVocabSize, Inner: o.Intermediate, CorpusCharacters: o.CorpusCharacters,
        InitializerRange: o.InitializerRange, LayerNormEpsilon: o.NormEpsilon ?? 1e-5, NormJitter: o.NormJitter);

    private static List<SafetensorsTensor> BuildGpt2Weights(TinyDecoderOptions o, TinyGpt2Options gpt2, int vocab)
    {
        List<SafetensorsTensor> tensors = TinyGpt2Generator.BuildWeights(gpt2, vocab);
        if (o.LinearScale != 1.0)
        {
            float scale = (float)o.LinearScale;
            foreach (SafetensorsTensor t in tensors)
            {
                if (t.Shape.Length == 2 && !t.Name.EndsWith(".wte.weight", StringComparison.Ordinal)
                    && !t.Name.EndsWith(".wpe.weight", StringComparison.Ordinal))
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(t.Data, scale, t.Data);
                }
            }
        }
        if (!IsTied(o))
        {
            tensors.Add(Normal(o.Seed, "lm_head.weight", [vocab, o.Hidden], o.InitializerRange));
        }
        else if (o.StoreTiedHead)
        {
            tensors.Add(new SafetensorsTensor("lm_head.weight", [vocab, o.Hidden], (float[])tensors[0].Data.Clone()));
        }
        return tensors;
    }

    /// <summary>The config.json entries of a non-gpt2 family, with the keys Hugging Face writes for it.</summary>
    private static Dictionary<string, object?> ConfigValues(TinyDecoderOptions o, int vocab, int eos)
    {
        TinyDecoderFamily f = o.Family;
        int heads = o.Heads;
        var c = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["architectures"] = new[] { ArchitectureName(f) },
            ["attention_dropout"] = 0.0,
            ["bos_token_id"] = eos,
            ["eos_token_id"] = eos,
            ["hidden_act"] = f == TinyDecoderFamily.Gemma ? "gelu_pytorch_tanh" : "silu",
            ["hidden_size"] = o.Hidden,
            ["initializer_range"] = o.InitializerRange,
            ["intermediate_size"] = IntermediateOf(o),
            ["max_position_embeddings"] = o.Positions,
            ["model_type"] = ModelType(f),
            ["num_attention_heads"] = heads,
            ["num_hidden_layers"] = o.Layers,
            ["num_key_value_heads"] = o.KvHeads ?? heads,
            ["rms_norm_eps"] = o.NormEpsilon ?? DefaultEpsilon(f),
            ["rope_theta"] = o.RopeTheta ?? DefaultRopeTheta(f),
            ["tie_word_embeddings"] = IsTied(o),
            ["torch_dtype"] = TorchDtype(o.DType),
            ["transformers_version"] = TinyGpt2Generator.TransformersVersion,
            ["use_cache"] = true,
            ["vocab_size"] = vocab,
        };
        if (o.RopeScaling is not null || f != TinyDecoderFamily.Mistral)
        {
            c["rope_scaling"] = o.RopeScaling?.ToJson();
        }
        if (o.HeadDim is not null || f is TinyDecoderFamily.Qwen3 or TinyDecoderFamily.Gemma)
        {
            c["head_dim"] = HeadDimOf(o);
        }
        if (o.PartialRotaryFactor != 1.0 || f == TinyDecoderFamily.Phi3)
        {
            c["partial_rotary_factor"] = o.PartialRotaryFactor;
        }
        switch (f)
        {
            case TinyDecoderFamily.Llama:
                c["attention_bias"] = o.AttentionBias;
                c["mlp_bias"] = false;
                c["pretraining_tp"] = 1;
                break;
            case TinyDecoderFamily.Mistral:
                c["sliding_window"] = o.SlidingWindow;
                break;
            case TinyDecoderFamily.Qwen2:
            case TinyDecoderFamily.Qwen3:
                if (f == TinyDecoderFamily.Qwen3)
                {
                    c["attention_bias"] = false;
                }
                c["max_window_layers"] = o.Layers;
                c["sliding_window"] = o.Positions;
                c["use_sliding_window"] = false;
                break;
            case TinyDecoderFamily.Phi3:
                c["attention_bias"] = false;
                c["embd_pdrop"] = 0.0;
                c["original_max_position_embeddings"] = o.Positions;
                c["pad_token_id"] = eos;
                c["resid_pdrop"] = 0.0;
                c["sliding_window"] = null;
                break;
            case TinyDecoderFamily.Gemma:
                c["attention_bias"] = false;
                c["hidden_activation"] = "gelu_pytorch_tanh";
                c["pad_token_id"] = eos;
                break;
        }
        return c;
    }

    private static double DefaultEpsilon(TinyDecoderFamily f) =>
        f is TinyDecoderFamily.Qwen2 or TinyDecoderFamily.Qwen3 or TinyDecoderFamily.Gemma ? 1e-6 : 1e-5;

    private static double DefaultRopeTheta(TinyDecoderFamily f) =>
        f is TinyDecoderFamily.Qwen2 or TinyDecoderFamily.Qwen3 ? 1_000_000.0 : 10_000.0;

    private static void WriteTokenizerConfigs(string folder, TinyDecoderOptions o)
    {
        HfJsonFile.Write(Path.Combine(folder, "tokenizer_config.json"), new Dictionary<string, object?>
        {
            ["add_bos_token"] = false,
            ["add_eos_token"] = false,
            ["bos_token"] = EndOfText,
            ["clean_up_tokenization_spaces"] = false,
            ["eos_token"] = EndOfText,
            ["model_max_length"] = o.Positions,
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
        });
        HfJsonFile.Write(Path.Combine(folder, "special_tokens_map.json"), new Dictionary<string, object?>
        {
            ["bos_token"] = EndOfText,
            ["eos_token"] = EndOfText,
        });
    }

    /// <summary>The parameters of a non-gpt2 family under their Hugging Face names, in state-dict order.</summary>
    private static List<SafetensorsTensor> BuildWeights(TinyDecoderOptions o, int vocab)
    {
        TinyDecoderFamily f = o.Family;
        int d = o.Hidden;
        int hd = HeadDimOf(o);
        int q = o.Heads * hd;
        int kv = (o.KvHeads ?? o.Heads) * hd;
        int inner = IntermediateOf(o);
        double std = o.InitializerRange;
        double linear = std * o.LinearScale;
        double residual = linear / Math.Sqrt(2.0 * o.Layers);
        double normCenter = f == TinyDecoderFamily.Gemma ? 0.0 : 1.0;
        bool qkvBias = f == TinyDecoderFamily.Qwen2 || o.AttentionBias;

        var tensors = new List<SafetensorsTensor> { Normal(o.Seed, "model.embed_tokens.weight", [vocab, d], std) };
        for (int i = 0; i < o.Layers; i++)
        {
            string p = string.Create(CultureInfo.InvariantCulture, $"model.layers.{i}.");
            tensors.Add(Norm(o, p + "input_layernorm.weight", d, normCenter));
            if (f == TinyDecoderFamily.Phi3)
            {
                tensors.Add(Normal(o.Seed, p + "self_attn.qkv_proj.weight", [q + 2 * kv, d], linear));
            }
            else
            {
                tensors.Add(Normal(o.Seed, p + "self_attn.q_proj.weight", [q, d], linear));
                tensors.Add(Normal(o.Seed, p + "self_attn.k_proj.weight", [kv, d], linear));
                tensors.Add(Normal(o.Seed, p + "self_attn.v_proj.weight", [kv, d], linear));
                if (qkvBias)
                {
                    tensors.Add(Normal(o.Seed, p + "self_attn.q_proj.bias", [q], linear));
                    tensors.Add(Normal(o.Seed, p + "self_attn.k_proj.bias", [kv], linear));
                    tensors.Add(Normal(o.Seed, p + "self_attn.v_proj.bias", [kv], linear));
                }
            }
            tensors.Add(Normal(o.Seed, p + "self_attn.o_proj.weight", [d, q], residual));
            if (o.AttentionBias)
            {
                tensors.Add(Normal(o.Seed, p + "self_attn.o_proj.bias", [d], linear));
            }
            if (f == TinyDecoderFamily.Qwen3)
            {
                tensors.Add(Norm(o, p + "self_attn.q_norm.weight", hd, normCenter));
                tensors.Add(Norm(o, p + "self_attn.k_norm.weight", hd, normCenter));
            }
            tensors.Add(Norm(o, p + "post_attention_layernorm.weight", d, normCenter));
            if (f == TinyDecoderFamily.Phi3)
            {
                tensors.Add(Normal(o.Seed, p + "mlp.gate_up_proj.weight", [2 * inner, d], linear));
            }
            else
            {
                tensors.Add(Normal(o.Seed, p + "mlp.gate_proj.weight", [inner, d], linear));
                tensors.Add(Normal(o.Seed, p + "mlp.up_proj.weight", [inner, d], linear));
            }
            tensors.Add(Normal(o.Seed, p + "mlp.down_proj.weight", [d, inner], residual));
        }
        tensors.Add(Norm(o, "model.norm.weight", d, normCenter));
        if (!IsTied(o))
        {
            tensors.Add(Normal(o.Seed, "lm_head.weight", [vocab, d], std));
        }
        else if (o.StoreTiedHead)
        {
            tensors.Add(new SafetensorsTensor("lm_head.weight", [vocab, d], (float[])tensors[0].Data.Clone()));
        }
        return tensors;
    }

    private static SafetensorsTensor Normal(int seed, string name, int[] shape, double std)
    {
        int count = 1;
        foreach (int n in shape)
        {
            count *= n;
        }
        float[] data = new float[count];
        var normal = new DeterministicNormal(TinyGpt2Generator.StreamSeed(seed, name));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(normal.Next() * std);
        }
        return new SafetensorsTensor(name, shape, data);
    }

    private static SafetensorsTensor Norm(TinyDecoderOptions o, string name, int length, double center)
    {
        float[] data = new float[length];
        var normal = new DeterministicNormal(TinyGpt2Generator.StreamSeed(o.Seed, name));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(center + (o.NormJitter == 0 ? 0 : normal.Next() * o.NormJitter));
        }
        return new SafetensorsTensor(name, [length], data);
    }

    /// <summary>One model.safetensors, or shards in state-dict order under Hugging Face's max_shard_size rule plus the
    /// index (metadata.total_size = the tensors' bytes, weight_map = tensor → file).</summary>
    private static void WriteWeights(string folder, List<SafetensorsTensor> tensors, TinyDecoderOptions o)
    {
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };
        if (o.MaxShardBytes is not { } limit)
        {
            SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), tensors, metadata, o.DType);
            return;
        }
        int size = SafetensorsDTypes.SizeOf(o.DType);
        var shards = new List<List<SafetensorsTensor>> { new() };
        long current = 0, total = 0;
        foreach (SafetensorsTensor t in tensors)
        {
            long bytes = (long)t.Data.Length * size;
            if (current + bytes > limit && shards[^1].Count > 0)
            {
                shards.Add([]);
                current = 0;
            }
            shards[^1].Add(t);
            current += bytes;
            total += bytes;
        }
        var weightMap = new Dictionary<string, object?>(StringComparer.Ordinal);
        for (int s = 0; s < shards.Count; s++)
        {
            string file = string.Create(CultureInfo.InvariantCulture, $"model-{s + 1:D5}-of-{shards.Count:D5}.safetensors");
            SafetensorsWriter.Write(Path.Combine(folder, file), shards[s], metadata, o.DType);
            foreach (SafetensorsTensor t in shards[s])
            {
                weightMap[t.Name] = file;
            }
        }
        HfJsonFile.Write(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), new Dictionary<string, object?>
        {
            ["metadata"] = new Dictionary<string, object?> { ["total_size"] = total },
            ["weight_map"] = weightMap,
        });
    }
}
