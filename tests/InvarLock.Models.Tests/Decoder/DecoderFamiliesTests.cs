using System.Text.Json.Nodes;
using InvarLock.Models.Decoder;
using InvarLock.Models.Generation;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tests.Decoder;

/// <summary>config.json → <see cref="DecoderConfig"/> per family, and the variants the engine refuses with a clear error.</summary>
public sealed class DecoderFamiliesTests : IDisposable
{
    private readonly TempFolder _temp = new("decoder-families");
    private readonly HfCausalAdapter _adapter = new();

    public void Dispose() => _temp.Dispose();

    private string Demo(string family, Action<JsonObject>? edit = null)
    {
        Assert.True(TinyDecoderPresets.TryGetDemo(family, out TinyDecoderOptions? options));
        string folder = _temp.Combine(family + "-" + Guid.NewGuid().ToString("N")[..8]);
        TinyDecoderGenerator.Generate(folder, options with { Layers = 1 });
        if (edit is not null)
        {
            string path = Path.Combine(folder, "config.json");
            JsonObject config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            edit(config);
            File.WriteAllText(path, config.ToJsonString());
        }
        return folder;
    }

    private static DecoderConfig Read(string folder)
    {
        HfConfig hf = HfConfig.Read(folder);
        Assert.True(DecoderFamilies.TryGet(hf.ModelType, out IDecoderFamily family));
        return family.ReadConfig(hf);
    }

    [Fact]
    public void ReadConfig_EachFamily_SetsItsDistinguishingFeatures()
    {
        DecoderConfig gpt2 = Read(Demo("gpt2"));
        Assert.True(gpt2 is { Norm: NormKind.LayerNorm, Position: PositionKind.Learned, FusedQkv: true, Conv1DWeights: true, GatedMlp: false });
        DecoderConfig llama = Read(Demo("llama"));
        Assert.True(llama is { Norm: NormKind.RmsNorm, Position: PositionKind.Rotary, GatedMlp: true, Activation: MlpActivation.Silu, KeyValueHeads: 2, QkvBias: false });
        Assert.Equal(32, Read(Demo("mistral")).SlidingWindow);
        Assert.True(Read(Demo("qwen2")) is { QkvBias: true, AttentionOutputBias: false });
        Assert.True(Read(Demo("qwen3")) is { QueryKeyNorm: true, HeadDim: 32, Heads: 4, Hidden: 64 });
        Assert.True(Read(Demo("phi3")) is { FusedQkv: true, FusedGateUp: true, Conv1DWeights: false });
        DecoderConfig gemma = Read(Demo("gemma"));
        Assert.True(gemma is { NormUnitOffset: true, Activation: MlpActivation.GeluTanh, KeyValueHeads: 1, HeadDim: 32, TiedHead: true });
        Assert.Equal((float)Math.Sqrt(64), gemma.EmbeddingScale);
    }

    [Fact]
    public void Load_UnknownModelType_ThrowsUnsupportedModelNamingTheSupportedOnes()
    {
        string folder = Demo("llama", c => c["model_type"] = "falcon");
        var e = Assert.Throws<InvarLockException>(() => _adapter.Load(folder, new ModelLoadOptions()));
        Assert.Equal(ErrorCodes.UnsupportedModel, e.Code);
        Assert.Contains("model_type 'falcon' is not supported (supported: gpt2, llama, mistral, qwen2, qwen3, phi3, gemma)", e.Message);
        Assert.StartsWith(Path.Combine(folder, "config.json"), e.Message);
    }

    [Theory]
    [InlineData("llama", "yarn")]
    [InlineData("phi3", "longrope")]
    [InlineData("phi3", "su")]
    public void Load_UnimplementedRopeScaling_ThrowsUnsupportedModel(string family, string type)
    {
        string folder = Demo(family, c => c["rope_scaling"] = new JsonObject { ["rope_type"] = type, ["factor"] = 4.0 });
        var e = Assert.Throws<InvarLockException>(() => _adapter.Load(folder, new ModelLoadOptions()));
        Assert.Equal(ErrorCodes.UnsupportedModel, e.Code);
        Assert.Contains($"rope_scaling type '{type}' is not supported (supported: default, linear, dynamic, llama3)", e.Message);
    }

    [Theory]
    [InlineData("llama", "mlp_bias", "true")]
    [InlineData("qwen2", "use_sliding_window", "true")]
    [InlineData("qwen3", "attention_bias", "true")]
    [InlineData("llama", "hidden_act", "\"relu\"")]
    public void Load_UnimplementedVariant_ThrowsUnsupportedModelNamingTheKey(string family, string key, string value)
    {
        string folder = Demo(family, c => c[key] = JsonNode.Parse(value));
        var e = Assert.Throws<InvarLockException>(() => _adapter.Load(folder, new ModelLoadOptions()));
        Assert.Equal(ErrorCodes.UnsupportedModel, e.Code);
        Assert.Contains(key, e.Message);
    }

    [Theory]
    [InlineData("num_key_value_heads", "3", "does not divide num_attention_heads")]
    [InlineData("hidden_size", "-4", "hidden_size is -4")]
    [InlineData("partial_rotary_factor", "0.1", "does not give an even rotary width")]
    [InlineData("rope_theta", "0", "rope_theta")]
    [InlineData("head_dim", "1073741824", "dimensions out of range")]
    [InlineData("intermediate_size", "2000000000", "dimensions out of range")]
    public void Load_InvalidConfigValue_ThrowsMalformedConfig(string key, string value, string fragment)
    {
        string folder = Demo("llama", c => c[key] = JsonNode.Parse(value));
        var e = Assert.Throws<InvarLockException>(() => _adapter.Load(folder, new ModelLoadOptions()));
        Assert.Equal(ErrorCodes.MalformedConfig, e.Code);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Load_MissingAndExtraTensors_ThrowShapeMismatchNamingTheTensor()
    {
        string folder = Demo("qwen3");
        List<Models.Safetensors.SafetensorsTensor> tensors = HfFolderEditor.ReadTensors(folder);
        tensors.RemoveAll(t => t.Name == "model.layers.0.self_attn.k_norm.weight");
        HfFolderEditor.WriteTensors(folder, tensors);
        var missing = Assert.Throws<InvarLockException>(() => _adapter.Load(folder, new ModelLoadOptions()));
        Assert.Equal(ErrorCodes.ShapeMismatch, missing.Code);
        Assert.Contains("'model.layers.0.self_attn.k_norm.weight'", missing.Message);

        string extra = Demo("llama");
        tensors = HfFolderEditor.ReadTensors(extra);
        tensors.Add(new Models.Safetensors.SafetensorsTensor("model.layers.5.mlp.up_proj.weight", [2], [1f, 2f]));
        HfFolderEditor.WriteTensors(extra, tensors);
        var e = Assert.Throws<InvarLockException>(() => _adapter.Load(extra, new ModelLoadOptions()));
        Assert.Equal(ErrorCodes.ShapeMismatch, e.Code);
        Assert.Contains("belongs to layer 5", e.Message);
    }

    [Fact]
    public void Load_OldCheckpointWithRotaryBuffers_IgnoresThem()
    {
        string folder = Demo("llama");
        List<Models.Safetensors.SafetensorsTensor> tensors = HfFolderEditor.ReadTensors(folder);
        tensors.Add(new Models.Safetensors.SafetensorsTensor("model.layers.0.self_attn.rotary_emb.inv_freq", [8], new float[8]));
        HfFolderEditor.WriteTensors(folder, tensors);
        using IModel model = _adapter.Load(folder, new ModelLoadOptions());
        Assert.False(model.Parameters.TryGet("model.layers.0.self_attn.rotary_emb.inv_freq", out _));
    }
}
