using System.Globalization;
using System.Text;
using InvarLock.Data.Synthetic;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tokenizers;
using InvarLock.Numerics;

namespace InvarLock.Models.Generation;

/// <summary>Generates a small, randomly initialised GPT-2 checkpoint in the real Hugging Face folder layout:
/// config.json, model.safetensors (F32, tied head not stored), tokenizer.json, vocab.json, merges.txt,
/// tokenizer_config.json, special_tokens_map.json and generation_config.json. The same options give byte-identical
/// files on every platform.</summary>
/// <remarks>Weights follow GPT-2's initialisation: N(0, <see cref="TinyGpt2Options.InitializerRange"/>) for
/// embeddings and projections, N(0, range/√(2·layers)) for the residual output projections (attn.c_proj, mlp.c_proj),
/// LayerNorm weights 1 + N(0, <see cref="TinyGpt2Options.NormJitter"/>) and LayerNorm biases N(0, jitter/5) (a trained
/// model's norms are never exactly 1 and 0; exact values make every normalised row sum to zero, which no real checkpoint
/// does and which degenerates activation statistics), every other bias 0. Each tensor draws from its own stream, seeded by the options' seed and the
/// tensor's name. The tokenizer is trained with <see cref="ByteLevelBpeTrainer"/> on
/// <see cref="SyntheticCorpus"/> text of the same seed.</remarks>
public static class TinyGpt2Generator
{
    /// <summary>The transformers version written into the JSON files, as a Hugging Face writer would.</summary>
    internal const string TransformersVersion = "4.44.2";

    /// <summary>A small, fast preset: 2 layers, 4 heads, width 64, 256 positions, vocabulary 512.</summary>
    public static TinyGpt2Options Demo { get; } = new();

    /// <summary>Writes the checkpoint into <paramref name="folder"/> (created when missing; the files named above are replaced).</summary>
    public static void Generate(string folder, TinyGpt2Options options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Directory.CreateDirectory(folder);

        string corpus = SyntheticCorpus.Generate(options.Seed, options.CorpusCharacters);
        ByteLevelBpeModel bpe = ByteLevelBpeTrainer.Train(corpus, options.VocabSize);
        if (bpe.EosTokenId < 0)
        {
            throw new InvalidOperationException("the trained tokenizer has no <|endoftext|> token");
        }
        bpe.WriteTokenizerJson(Path.Combine(folder, "tokenizer.json"));
        bpe.WriteVocabJson(Path.Combine(folder, "vocab.json"));
        bpe.WriteMergesTxt(Path.Combine(folder, "merges.txt"));

        int vocab = bpe.VocabSize;
        WriteConfig(folder, options, vocab, bpe.EosTokenId);
        WriteTokenizerConfigs(folder, options);
        WriteGenerationConfig(folder, bpe.EosTokenId);
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), BuildWeights(options, vocab),
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    private static void Validate(TinyGpt2Options o)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Embd);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Positions);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.VocabSize, 257);
        ArgumentOutOfRangeException.ThrowIfNegative(o.CorpusCharacters);
        if (o.Inner is { } inner)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inner);
        }
        if (o.Embd % o.Heads != 0)
        {
            throw new ArgumentException($"Embd {o.Embd} is not a multiple of Heads {o.Heads}", nameof(o));
        }
        if (!(o.InitializerRange > 0) || !(o.LayerNormEpsilon > 0) || double.IsInfinity(o.InitializerRange))
        {
            throw new ArgumentException("InitializerRange and LayerNormEpsilon must be positive", nameof(o));
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(o.ActivationFunction);
    }

    /// <summary>The GPT2LMHeadModel parameters (with the <c>transformer.</c> prefix; lm_head is tied and omitted).</summary>
    public static List<SafetensorsTensor> BuildWeights(TinyGpt2Options o, int vocab)
    {
        int d = o.Embd;
        int inner = o.Inner ?? 4 * d;
        double std = o.InitializerRange;
        double residualStd = std / Math.Sqrt(2.0 * o.Layers);
        var tensors = new List<SafetensorsTensor>(12 * o.Layers + 4)
        {
            Normal(o.Seed, "transformer.wte.weight", [vocab, d], std),
            Normal(o.Seed, "transformer.wpe.weight", [o.Positions, d], std),
        };
        for (int i = 0; i < o.Layers; i++)
        {
            string p = string.Create(CultureInfo.InvariantCulture, $"transformer.h.{i}.");
            tensors.Add(Norm(o, p + "ln_1.weight", d, 1.0, o.NormJitter));
            tensors.Add(Norm(o, p + "ln_1.bias", d, 0.0, o.NormJitter / 5));
            tensors.Add(Normal(o.Seed, p + "attn.c_attn.weight", [d, 3 * d], std));
            tensors.Add(Filled(p + "attn.c_attn.bias", 3 * d, 0f));
            tensors.Add(Normal(o.Seed, p + "attn.c_proj.weight", [d, d], residualStd));
            tensors.Add(Filled(p + "attn.c_proj.bias", d, 0f));
            tensors.Add(Norm(o, p + "ln_2.weight", d, 1.0, o.NormJitter));
            tensors.Add(Norm(o, p + "ln_2.bias", d, 0.0, o.NormJitter / 5));
            tensors.Add(Normal(o.Seed, p + "mlp.c_fc.weight", [d, inner], std));
            tensors.Add(Filled(p + "mlp.c_fc.bias", inner, 0f));
            tensors.Add(Normal(o.Seed, p + "mlp.c_proj.weight", [inner, d], residualStd));
            tensors.Add(Filled(p + "mlp.c_proj.bias", d, 0f));
        }
        tensors.Add(Norm(o, "transformer.ln_f.weight", d, 1.0, o.NormJitter));
        tensors.Add(Norm(o, "transformer.ln_f.bias", d, 0.0, o.NormJitter / 5));
        return tensors;
    }

    private static SafetensorsTensor Normal(int seed, string name, int[] shape, double std)
    {
        float[] data = new float[shape[0] * shape[1]];
        var normal = new DeterministicNormal(StreamSeed(seed, name));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(normal.Next() * std);
        }
        return new SafetensorsTensor(name, shape, data);
    }

    private static SafetensorsTensor Norm(TinyGpt2Options o, string name, int length, double center, double std)
    {
        if (std == 0)
        {
            return Filled(name, length, (float)center);
        }
        float[] data = new float[length];
        var normal = new DeterministicNormal(StreamSeed(o.Seed, name));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(center + normal.Next() * std);
        }
        return new SafetensorsTensor(name, [length], data);
    }

    private static SafetensorsTensor Filled(string name, int length, float value)
    {
        float[] data = new float[length];
        Array.Fill(data, value);
        return new SafetensorsTensor(name, [length], data);
    }

    /// <summary>A per-tensor seed: FNV-1a of the UTF-8 name mixed with the run seed.</summary>
    internal static ulong StreamSeed(int seed, string name)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            hash = unchecked((hash ^ b) * 0x100000001B3UL);
        }
        return unchecked(hash ^ ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>Writes config.json for the options and vocabulary.</summary>
    public static void WriteConfig(string folder, TinyGpt2Options o, int vocab, int eos) =>
        HfJsonFile.Write(Path.Combine(folder, "config.json"), ConfigValues(o, vocab, eos));

    /// <summary>The config.json entries <see cref="WriteConfig"/> writes.</summary>
    internal static Dictionary<string, object?> ConfigValues(TinyGpt2Options o, int vocab, int eos) =>
        new()
        {
            ["activation_function"] = o.ActivationFunction,
            ["architectures"] = new[] { "GPT2LMHeadModel" },
            ["attn_pdrop"] = 0.1,
            ["bos_token_id"] = eos,
            ["embd_pdrop"] = 0.1,
            ["eos_token_id"] = eos,
            ["initializer_range"] = o.InitializerRange,
            ["layer_norm_epsilon"] = o.LayerNormEpsilon,
            ["model_type"] = "gpt2",
            ["n_embd"] = o.Embd,
            ["n_head"] = o.Heads,
            ["n_inner"] = o.Inner,
            ["n_layer"] = o.Layers,
            ["n_positions"] = o.Positions,
            ["reorder_and_upcast_attn"] = false,
            ["resid_pdrop"] = 0.1,
            ["scale_attn_by_inverse_layer_idx"] = false,
            ["scale_attn_weights"] = true,
            ["summary_activation"] = null,
            ["summary_first_dropout"] = 0.1,
            ["summary_proj_to_labels"] = true,
            ["summary_type"] = "cls_index",
            ["summary_use_proj"] = true,
            ["torch_dtype"] = "float32",
            ["transformers_version"] = TransformersVersion,
            ["use_cache"] = true,
            ["vocab_size"] = vocab,
        };

    /// <summary>Writes tokenizer_config.json and special_tokens_map.json.</summary>
    public static void WriteTokenizerConfigs(string folder, TinyGpt2Options o)
    {
        const string Eot = "<|endoftext|>";
        HfJsonFile.Write(Path.Combine(folder, "tokenizer_config.json"), new Dictionary<string, object?>
        {
            ["add_prefix_space"] = false,
            ["bos_token"] = Eot,
            ["clean_up_tokenization_spaces"] = false,
            ["eos_token"] = Eot,
            ["model_max_length"] = o.Positions,
            ["tokenizer_class"] = "GPT2Tokenizer",
            ["unk_token"] = Eot,
        });
        HfJsonFile.Write(Path.Combine(folder, "special_tokens_map.json"), new Dictionary<string, object?>
        {
            ["bos_token"] = Eot,
            ["eos_token"] = Eot,
            ["unk_token"] = Eot,
        });
    }

    /// <summary>Writes generation_config.json.</summary>
    public static void WriteGenerationConfig(string folder, int eos)
    {
        HfJsonFile.Write(Path.Combine(folder, "generation_config.json"), new Dictionary<string, object?>
        {
            ["_from_model_config"] = true,
            ["bos_token_id"] = eos,
            ["eos_token_id"] = eos,
            ["transformers_version"] = TransformersVersion,
        });
    }
}
