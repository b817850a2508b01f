using System.Security.Cryptography;
using System.Text.Json;
using InvarLock.Models.Generation;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Models.Tokenizers;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tests.Generation;

public sealed class TinyGpt2GeneratorTests : IDisposable
{
    private readonly TempFolder _temp = new("gen");

    public void Dispose() => _temp.Dispose();

    private static readonly string[] ExpectedFiles =
    [
        "config.json", "generation_config.json", "merges.txt", "model.safetensors", "special_tokens_map.json",
        "tokenizer.json", "tokenizer_config.json", "vocab.json",
    ];

    [Fact]
    public void Generate_TwiceWithSameOptions_GivesByteIdenticalFiles()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        TinyGpt2Generator.Generate(_temp.Combine("a"), TinyGpt2Generator.Demo);
        TimeSpan first = watch.Elapsed;
        TinyGpt2Generator.Generate(_temp.Combine("b"), TinyGpt2Generator.Demo with { });

        Assert.Equal(ExpectedFiles, Directory.GetFiles(_temp.Combine("a")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string file in ExpectedFiles)
        {
            Assert.Equal(Hash(_temp.Combine("a", file)), Hash(_temp.Combine("b", file)));
        }
        Assert.True(first < TimeSpan.FromSeconds(30), $"generation took {first}");
    }

    [Fact]
    public void Generate_DifferentSeed_ChangesWeightsAndTokenizerTraining()
    {
        TinyGpt2Generator.Generate(_temp.Combine("a"), TinyGpt2Generator.Demo);
        TinyGpt2Generator.Generate(_temp.Combine("b"), TinyGpt2Generator.Demo with { Seed = 99 });
        Assert.NotEqual(Hash(_temp.Combine("a", "model.safetensors")), Hash(_temp.Combine("b", "model.safetensors")));
    }

    [Fact]
    public void Generate_Weights_FollowGpt2Initialisation()
    {
        var options = TinyGpt2Generator.Demo with { Layers = 2, Embd = 64, Heads = 4 };
        string folder = _temp.Combine("init");
        TinyGpt2Generator.Generate(folder, options);
        using SafetensorsFile file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.False(file.TryGetEntry("lm_head.weight", out _));
        Assert.Equal(2 + 12 * 2 + 2, file.Entries.Count);
        Assert.All(file.Entries, e => Assert.Equal(SafetensorsDType.F32, e.DType));
        // LayerNorm weights are 1 + N(0, NormJitter), biases N(0, NormJitter/5): centred like a trained model's, never exactly 1 and 0.
        float[] lnWeight = file.ReadFloat32("transformer.h.1.ln_2.weight");
        Assert.InRange(lnWeight.Average(), 1 - 3 * options.NormJitter / Math.Sqrt(64), 1 + 3 * options.NormJitter / Math.Sqrt(64));
        Assert.Contains(lnWeight, v => v != 1f);
        Assert.InRange(file.ReadFloat32("transformer.ln_f.bias").Average(), -3 * options.NormJitter / 5 / Math.Sqrt(64), 3 * options.NormJitter / 5 / Math.Sqrt(64));
        Assert.All(file.ReadFloat32("transformer.h.0.mlp.c_fc.bias"), v => Assert.Equal(0f, v));
        Assert.Equal([64L, 256L], file.TryGetEntry("transformer.h.0.mlp.c_fc.weight", out var fc) ? fc.Shape : []);

        // Sample std of n normal draws has relative standard error about 1/sqrt(2n); n >= 4096 here, so 10% is > 9 sigma.
        AssertStd(file.ReadFloat32("transformer.h.0.attn.c_attn.weight"), 0.02);
        AssertStd(file.ReadFloat32("transformer.wte.weight"), 0.02);
        AssertStd(file.ReadFloat32("transformer.h.1.attn.c_proj.weight"), 0.02 / Math.Sqrt(2 * options.Layers));
        AssertStd(file.ReadFloat32("transformer.h.0.mlp.c_proj.weight"), 0.02 / Math.Sqrt(2 * options.Layers));
    }

    [Fact]
    public void Generate_Config_HasHuggingFaceFieldsAndEndOfTextIds()
    {
        string folder = _temp.Combine("cfg");
        TinyGpt2Generator.Generate(folder, TinyGpt2Generator.Demo);
        using JsonDocument config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "config.json")));
        JsonElement root = config.RootElement;
        ITokenizer tokenizer = TokenizerLoader.Load(folder);

        Assert.Equal("gpt2", root.GetProperty("model_type").GetString());
        Assert.Equal("GPT2LMHeadModel", root.GetProperty("architectures")[0].GetString());
        Assert.Equal(tokenizer.Info.EosTokenId, root.GetProperty("eos_token_id").GetInt32());
        Assert.Equal(tokenizer.Info.EosTokenId, root.GetProperty("bos_token_id").GetInt32());
        Assert.Equal(tokenizer.Info.VocabSize, root.GetProperty("vocab_size").GetInt32());
        Assert.InRange(tokenizer.Info.VocabSize, 300, TinyGpt2Generator.Demo.VocabSize);
        Assert.Equal(256, root.GetProperty("n_positions").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("n_inner").ValueKind);
        string text = File.ReadAllText(Path.Combine(folder, "config.json"));
        Assert.Contains("\"layer_norm_epsilon\": 1e-05,\n", text);
        Assert.EndsWith("}\n", text);
        var keys = root.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);

        using SafetensorsFile weights = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        Assert.True(weights.TryGetEntry("transformer.wte.weight", out var wte));
        Assert.Equal([(long)tokenizer.Info.VocabSize, 64L], wte.Shape);
    }

    [Fact]
    public void Generate_InvalidOptions_Throw()
    {
        Assert.Throws<ArgumentException>(() => TinyGpt2Generator.Generate(_temp.Combine("x"), TinyGpt2Generator.Demo with { Heads = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TinyGpt2Generator.Generate(_temp.Combine("x"), TinyGpt2Generator.Demo with { VocabSize = 100 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TinyGpt2Generator.Generate(_temp.Combine("x"), TinyGpt2Generator.Demo with { Layers = 0 }));
    }

    private static void AssertStd(float[] values, double expected)
    {
        double sum = 0;
        double sumSq = 0;
        foreach (float v in values)
        {
            sum += v;
            sumSq += (double)v * v;
        }
        double mean = sum / values.Length;
        double std = Math.Sqrt(sumSq / values.Length - mean * mean);
        Assert.InRange(std, expected * 0.9, expected * 1.1);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
