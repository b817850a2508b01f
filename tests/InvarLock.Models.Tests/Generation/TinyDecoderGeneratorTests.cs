using System.Security.Cryptography;
using System.Text.Json;
using InvarLock.Models.Generation;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Models.Tests.Generation;

public sealed class TinyDecoderGeneratorTests : IDisposable
{
    private readonly TempFolder _temp = new("decoder-gen");

    public void Dispose() => _temp.Dispose();

    public static TheoryData<TinyDecoderFamily> Families => new(Enum.GetValues<TinyDecoderFamily>());

    public static TheoryData<TinyDecoderFamily> RmsNormFamilies =>
        new(Enum.GetValues<TinyDecoderFamily>().Where(f => f != TinyDecoderFamily.Gpt2));

    private string Generate(string name, TinyDecoderOptions options)
    {
        string folder = _temp.Combine(name);
        TinyDecoderGenerator.Generate(folder, options);
        return folder;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Generate_TwiceWithSameOptions_GivesByteIdenticalFiles(TinyDecoderFamily family)
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(family) with { DType = SafetensorsDType.BF16, ConfigVocabSize = 1000 };
        string a = Generate("a", options);
        string b = Generate("b", options with { });
        string[] files = Directory.GetFiles(a).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(
            ["config.json", "generation_config.json", "merges.txt", "model.safetensors", "special_tokens_map.json",
             "tokenizer.json", "tokenizer_config.json", "vocab.json"], files);
        foreach (string file in files)
        {
            Assert.Equal(Hash(Path.Combine(a, file)), Hash(Path.Combine(b, file)));
        }
        Assert.NotEqual(Hash(Path.Combine(a, "model.safetensors")),
            Hash(Path.Combine(Generate("c", options with { Seed = 5 }), "model.safetensors")));
    }

    [Fact]
    public void Generate_Gpt2FamilyWithTinyGpt2Defaults_WritesTinyGpt2GeneratorBytes()
    {
        string ours = Generate("ours", TinyDecoderPresets.Demo(TinyDecoderFamily.Gpt2));
        string theirs = _temp.Combine("theirs");
        TinyGpt2Generator.Generate(theirs, TinyGpt2Generator.Demo);
        foreach (string file in Directory.GetFiles(theirs))
        {
            Assert.Equal(Hash(file), Hash(Path.Combine(ours, Path.GetFileName(file))));
        }
    }

    [Theory]
    [MemberData(nameof(RmsNormFamilies))]
    public void Generate_DemoPreset_HasTheFamilysHuggingFaceTensorNamesAndShapes(TinyDecoderFamily family)
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(family);
        string folder = Generate("names", options);
        using SafetensorsFile file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        int d = options.Hidden, hd = TinyDecoderGenerator.HeadDimOf(options), inner = TinyDecoderGenerator.IntermediateOf(options);
        int q = options.Heads * hd, kv = (options.KvHeads ?? options.Heads) * hd;
        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "config.json")));
        int vocab = config.RootElement.GetProperty("vocab_size").GetInt32();

        var expected = new Dictionary<string, long[]> { ["model.embed_tokens.weight"] = [vocab, d], ["model.norm.weight"] = [d] };
        for (int i = 0; i < options.Layers; i++)
        {
            string p = $"model.layers.{i}.";
            expected[p + "input_layernorm.weight"] = [d];
            expected[p + "post_attention_layernorm.weight"] = [d];
            expected[p + "self_attn.o_proj.weight"] = [d, q];
            expected[p + "mlp.down_proj.weight"] = [d, inner];
            if (family == TinyDecoderFamily.Phi3)
            {
                expected[p + "self_attn.qkv_proj.weight"] = [q + 2 * kv, d];
                expected[p + "mlp.gate_up_proj.weight"] = [2 * inner, d];
            }
            else
            {
                expected[p + "self_attn.q_proj.weight"] = [q, d];
                expected[p + "self_attn.k_proj.weight"] = [kv, d];
                expected[p + "self_attn.v_proj.weight"] = [kv, d];
                expected[p + "mlp.gate_proj.weight"] = [inner, d];
                expected[p + "mlp.up_proj.weight"] = [inner, d];
            }
            if (family == TinyDecoderFamily.Qwen2)
            {
                expected[p + "self_attn.q_proj.bias"] = [q];
                expected[p + "self_attn.k_proj.bias"] = [kv];
                expected[p + "self_attn.v_proj.bias"] = [kv];
            }
            if (family == TinyDecoderFamily.Qwen3)
            {
                expected[p + "self_attn.q_norm.weight"] = [hd];
                expected[p + "self_attn.k_norm.weight"] = [hd];
            }
        }
        if (!TinyDecoderGenerator.IsTied(options))
        {
            expected["lm_head.weight"] = [vocab, d];
        }
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), file.Entries.Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(file.Entries, e => Assert.Equal(expected[e.Name], e.Shape));
        Assert.All(file.Entries, e => Assert.Equal(SafetensorsDType.F32, e.DType));
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Generate_LlamaAttentionBiasAndStoredTiedHead_AddsFourBiasesAndAnExactHeadCopy()
    {
        string folder = Generate("bias", TinyDecoderPresets.Demo(TinyDecoderFamily.Llama) with
        {
            AttentionBias = true, TieWordEmbeddings = true, StoreTiedHead = true,
        });
        using SafetensorsFile file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        foreach (string proj in new[] { "q", "k", "v", "o" })
        {
            Assert.True(file.TryGetEntry($"model.layers.1.self_attn.{proj}_proj.bias", out _), proj);
        }
        Assert.Equal(file.ReadFloat32("model.embed_tokens.weight"), file.ReadFloat32("lm_head.weight"));
        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "config.json")));
        Assert.True(config.RootElement.GetProperty("attention_bias").GetBoolean());
        Assert.True(config.RootElement.GetProperty("tie_word_embeddings").GetBoolean());
    }

    [Theory]
    [InlineData(TinyDecoderFamily.Llama, "LlamaForCausalLM", "silu", false)]
    [InlineData(TinyDecoderFamily.Mistral, "MistralForCausalLM", "silu", false)]
    [InlineData(TinyDecoderFamily.Qwen2, "Qwen2ForCausalLM", "silu", true)]
    [InlineData(TinyDecoderFamily.Qwen3, "Qwen3ForCausalLM", "silu", true)]
    [InlineData(TinyDecoderFamily.Phi3, "Phi3ForCausalLM", "silu", false)]
    [InlineData(TinyDecoderFamily.Gemma, "GemmaForCausalLM", "gelu_pytorch_tanh", true)]
    public void Generate_Config_HasTheFamilysHuggingFaceKeys(TinyDecoderFamily family, string architecture, string act, bool tied)
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(family) with { DType = SafetensorsDType.BF16, ConfigVocabSize = 32000 };
        string folder = Generate("cfg", options);
        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "config.json")));
        JsonElement root = config.RootElement;
        Assert.Equal(TinyDecoderGenerator.ModelType(family), root.GetProperty("model_type").GetString());
        Assert.Equal(architecture, Assert.Single(root.GetProperty("architectures").EnumerateArray()).GetString());
        Assert.Equal(act, root.GetProperty("hidden_act").GetString());
        Assert.Equal(tied, root.GetProperty("tie_word_embeddings").GetBoolean());
        Assert.Equal("bfloat16", root.GetProperty("torch_dtype").GetString());
        Assert.Equal(32000, root.GetProperty("vocab_size").GetInt32());
        Assert.Equal(64, root.GetProperty("hidden_size").GetInt32());
        Assert.Equal(TinyDecoderGenerator.IntermediateOf(options), root.GetProperty("intermediate_size").GetInt32());
        Assert.Equal(2, root.GetProperty("num_hidden_layers").GetInt32());
        Assert.Equal(4, root.GetProperty("num_attention_heads").GetInt32());
        Assert.Equal(options.KvHeads ?? 4, root.GetProperty("num_key_value_heads").GetInt32());
        Assert.Equal(256, root.GetProperty("max_position_embeddings").GetInt32());
        Assert.True(root.GetProperty("rms_norm_eps").GetDouble() > 0);
        Assert.True(root.GetProperty("rope_theta").GetDouble() >= 10000);
        int eos = root.GetProperty("eos_token_id").GetInt32();
        Assert.Equal(eos, root.GetProperty("bos_token_id").GetInt32());
        Assert.Equal(root.TryGetProperty("head_dim", out JsonElement hd),
            family is TinyDecoderFamily.Qwen3 or TinyDecoderFamily.Gemma);
        if (hd.ValueKind == JsonValueKind.Number)
        {
            Assert.Equal(32, hd.GetInt32());
        }
        Assert.Equal(family == TinyDecoderFamily.Mistral, root.TryGetProperty("sliding_window", out JsonElement window)
            && window.ValueKind == JsonValueKind.Number && window.GetInt32() == 32);
        Assert.Equal(family != TinyDecoderFamily.Mistral, root.TryGetProperty("rope_scaling", out JsonElement rope)
            && rope.ValueKind == JsonValueKind.Null);
        Assert.Equal(family == TinyDecoderFamily.Gemma, root.TryGetProperty("hidden_activation", out _));
        Assert.Equal(family == TinyDecoderFamily.Phi3, root.TryGetProperty("partial_rotary_factor", out _));
        using JsonDocument generation = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "generation_config.json")));
        Assert.Equal(eos, generation.RootElement.GetProperty("eos_token_id").GetInt32());
        using JsonDocument tokenizer = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "tokenizer_config.json")));
        Assert.Equal("<|endoftext|>", tokenizer.RootElement.GetProperty("eos_token").GetString());
    }

    [Theory]
    [InlineData("linear", false)]
    [InlineData("dynamic", true)]
    [InlineData("llama3", false)]
    public void Generate_RopeScaling_WritesHuggingFaceKeys(string type, bool legacyKey)
    {
        TinyRopeScaling scaling = type switch
        {
            "linear" => TinyRopeScaling.Linear(2.0),
            "dynamic" => TinyRopeScaling.Dynamic(4.0) with { LegacyTypeKey = legacyKey },
            _ => TinyRopeScaling.Llama3(),
        };
        string folder = Generate("rope", TinyDecoderPresets.Demo(TinyDecoderFamily.Llama) with { RopeScaling = scaling });
        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "config.json")));
        JsonElement rope = config.RootElement.GetProperty("rope_scaling");
        Assert.Equal(type, rope.GetProperty(legacyKey ? "type" : "rope_type").GetString());
        Assert.False(rope.TryGetProperty(legacyKey ? "rope_type" : "type", out _));
        Assert.Equal(scaling.Factor, rope.GetProperty("factor").GetDouble());
        Assert.Equal(type == "llama3", rope.TryGetProperty("original_max_position_embeddings", out _));
        if (type == "llama3")
        {
            Assert.Equal(8192, rope.GetProperty("original_max_position_embeddings").GetInt32());
            Assert.Equal(1.0, rope.GetProperty("low_freq_factor").GetDouble());
            Assert.Equal(4.0, rope.GetProperty("high_freq_factor").GetDouble());
            // Python's json.dumps writes floats with a ".0": a reader that needs doubles must see them as such.
            Assert.Contains("\"factor\": 8.0", File.ReadAllText(Path.Combine(folder, "config.json")), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(SafetensorsDType.BF16)]
    [InlineData(SafetensorsDType.F16)]
    public void Generate_HalfPrecision_StoresTheRoundingOfTheFloat32Values(SafetensorsDType dtype)
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Qwen2);
        string wide = Generate("f32", options);
        string half = Generate("half", options with { DType = dtype });
        using SafetensorsFile f32 = SafetensorsFile.Open(Path.Combine(wide, "model.safetensors"));
        using SafetensorsFile narrow = SafetensorsFile.Open(Path.Combine(half, "model.safetensors"));
        Assert.Equal(f32.Entries.Select(e => (e.Name, e.Shape.ToArray())).ToArray(),
            narrow.Entries.Select(e => (e.Name, e.Shape.ToArray())).ToArray(), new EntryComparer());
        int changed = 0;
        foreach (SafetensorsEntry entry in narrow.Entries)
        {
            Assert.Equal(dtype, entry.DType);
            float[] full = f32.ReadFloat32(entry.Name);
            float[] stored = narrow.ReadFloat32(entry.Name);
            for (int i = 0; i < full.Length; i++)
            {
                float rounded = dtype == SafetensorsDType.BF16
                    ? BitConverter.UInt32BitsToSingle((uint)InvarLock.Compute.HalfConversions.ToBFloat16Bits(full[i]) << 16)
                    : (float)(Half)full[i];
                Assert.Equal(rounded, stored[i]);
                changed += rounded != full[i] ? 1 : 0;
            }
        }
        Assert.True(changed > 1000, $"only {changed} values changed by rounding");
        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(half, "config.json")));
        Assert.Equal(dtype == SafetensorsDType.BF16 ? "bfloat16" : "float16", config.RootElement.GetProperty("torch_dtype").GetString());
    }

    [Fact]
    public void Generate_RealSizedVocabulary_PadsEmbeddingAndHeadButNotTheTokenizer()
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Llama) with { ConfigVocabSize = 32000 };
        string folder = Generate("padded", options);
        using SafetensorsFile file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        Assert.True(file.TryGetEntry("model.embed_tokens.weight", out SafetensorsEntry embed));
        Assert.Equal([32000L, 64L], embed.Shape);
        Assert.True(file.TryGetEntry("lm_head.weight", out SafetensorsEntry head));
        Assert.Equal([32000L, 64L], head.Shape);
        using JsonDocument vocab = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "vocab.json")));
        Assert.InRange(vocab.RootElement.EnumerateObject().Count(), 257, options.TokenizerVocabSize);
        Assert.Throws<ArgumentException>(() => Generate("small", options with { ConfigVocabSize = 300 }));
    }

    [Fact]
    public void Generate_Weights_FollowTheInitialisation()
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Gemma) with { LinearScale = 3.0, Layers = 2 };
        using SafetensorsFile gemma = SafetensorsFile.Open(Path.Combine(Generate("gemma", options), "model.safetensors"));
        // Sample std of n ≥ 4096 normal draws has relative standard error ≤ 1.1%; 10% is > 9 sigma.
        AssertStd(gemma.ReadFloat32("model.embed_tokens.weight"), 0.02);
        AssertStd(gemma.ReadFloat32("model.layers.0.self_attn.q_proj.weight"), 0.02 * 3);
        AssertStd(gemma.ReadFloat32("model.layers.1.mlp.down_proj.weight"), 0.02 * 3 / Math.Sqrt(4));
        // Gemma's norm weights are stored centred on 0 (it computes 1 + w); the others' on 1.
        Assert.InRange(gemma.ReadFloat32("model.norm.weight").Average(), -0.05, 0.05);
        using SafetensorsFile llama = SafetensorsFile.Open(Path.Combine(Generate("llama", options with { Family = TinyDecoderFamily.Llama }), "model.safetensors"));
        float[] norm = llama.ReadFloat32("model.layers.0.input_layernorm.weight");
        Assert.InRange(norm.Average(), 0.95, 1.05);
        Assert.Contains(norm, v => v != 1f);
    }

    [Fact]
    public void Generate_MaxShardBytes_WritesShardsAndAnIndexHoldingTheSameTensors()
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Phi3);
        string single = Generate("single", options);
        string sharded = Generate("sharded", options with { MaxShardBytes = 200_000 });
        Assert.False(File.Exists(Path.Combine(sharded, "model.safetensors")));
        using JsonDocument index = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(sharded, "model.safetensors.index.json")));
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        string[] shards = map.Values.Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.True(shards.Length >= 2, $"{shards.Length} shard(s)");
        Assert.Equal($"model-00001-of-{shards.Length:D5}.safetensors", shards[0]);
        using SafetensorsFile whole = SafetensorsFile.Open(Path.Combine(single, "model.safetensors"));
        long total = 0;
        foreach (string shard in shards)
        {
            using SafetensorsFile part = SafetensorsFile.Open(Path.Combine(sharded, shard));
            foreach (SafetensorsEntry entry in part.Entries)
            {
                Assert.Equal(shard, map[entry.Name]);
                Assert.Equal(whole.ReadFloat32(entry.Name), part.ReadFloat32(entry.Name));
                total += entry.End - entry.Begin;
            }
        }
        Assert.Equal(whole.Entries.Count, map.Count);
        Assert.Equal(total, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
    }

    [Fact]
    public void Generate_SettingTheFamilyDoesNotHave_Throws()
    {
        TinyDecoderOptions llama = TinyDecoderPresets.Demo(TinyDecoderFamily.Llama);
        Assert.Throws<ArgumentException>(() => Generate("x1", llama with { SlidingWindow = 16 }));
        Assert.Throws<ArgumentException>(() => Generate("x2", llama with { Family = TinyDecoderFamily.Qwen2, AttentionBias = true }));
        Assert.Throws<ArgumentException>(() => Generate("x3", llama with { Family = TinyDecoderFamily.Phi3, HeadDim = 32 }));
        Assert.Throws<ArgumentException>(() => Generate("x4", llama with { KvHeads = 3 }));
        Assert.Throws<ArgumentException>(() => Generate("x5", TinyDecoderPresets.Demo(TinyDecoderFamily.Gpt2) with { KvHeads = 2 }));
        Assert.Throws<ArgumentException>(() => Generate("x6", llama with { PartialRotaryFactor = 0.01 }));
        Assert.Throws<ArgumentException>(() => Generate("x7", llama with { DType = SafetensorsDType.I8 }));
    }

    [Fact]
    public void Presets_EveryFamilyName_ParsesToItsDemo()
    {
        Assert.Equal(Enum.GetValues<TinyDecoderFamily>().Length, TinyDecoderPresets.FamilyNames.Count);
        foreach (string name in TinyDecoderPresets.FamilyNames)
        {
            Assert.True(TinyDecoderPresets.TryGetDemo(name.ToUpperInvariant(), out TinyDecoderOptions? demo));
            Assert.Equal(name, TinyDecoderGenerator.ModelType(demo.Family));
            Assert.Equal(2, demo.Layers);
            Assert.Equal(64, demo.Hidden);
        }
        Assert.False(TinyDecoderPresets.TryGetDemo("bert", out _));
        Assert.Equal(1, TinyDecoderPresets.Demo(TinyDecoderFamily.Gemma).KvHeads);
        Assert.Equal(2, TinyDecoderPresets.Demo(TinyDecoderFamily.Llama).KvHeads);
    }

    private static void AssertStd(float[] values, double expected)
    {
        double mean = values.Average(v => (double)v);
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        Assert.InRange(std, expected * 0.9, expected * 1.1);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private sealed class EntryComparer : IEqualityComparer<(string Name, long[] Shape)>
    {
        public bool Equals((string Name, long[] Shape) x, (string Name, long[] Shape) y) =>
            x.Name == y.Name && x.Shape.SequenceEqual(y.Shape);

        public int GetHashCode((string Name, long[] Shape) obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
