using InvarLock.Metrics;
using InvarLock.Models.Decoder;
using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;
using Moq;

namespace InvarLock.Models.Tests.HuggingFace;

public sealed class HfCausalAdapterTests : IDisposable
{
    private readonly TempFolder _temp = new("hf-adapter");
    private readonly HfCausalAdapter _adapter = new();
    private static readonly ModelLoadOptions Options = new() { Threads = 1 };

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Descriptor_IsHfCausal() => Assert.Equal("hf_causal", _adapter.Descriptor.Name);

    [Fact]
    public void Describe_GeneratedFolder_IsSupportedGpt2()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        Assert.Equal(ModelProbe.Supported("gpt2"), _adapter.Describe(folder));
    }

    [Fact]
    public void Describe_OtherFolders_AreUnsupportedWithAReason()
    {
        string falcon = Directory.CreateDirectory(_temp.Combine("falcon")).FullName;
        File.WriteAllText(Path.Combine(falcon, "config.json"), "{\"model_type\":\"falcon\"}");
        ModelProbe probe = _adapter.Describe(falcon);
        Assert.False(probe.CanLoad);
        Assert.Contains("'falcon'", probe.Reason);
        Assert.Contains("supported: gpt2, llama, mistral, qwen2, qwen3, phi3, gemma", probe.Reason);

        ModelProbe missing = _adapter.Describe(_temp.Combine("absent"));
        Assert.False(missing.CanLoad);
        Assert.Contains("not found", missing.Reason);

        string broken = CheckpointFactory.BreakConfigJson(CheckpointFactory.CreateTiny(_temp.Path, "b0"), _temp.Path, "broken");
        Assert.Contains("not valid JSON", _adapter.Describe(broken).Reason);
    }

    [Fact]
    public void Describe_RemoteCodeConfig_ReportsTheMarkerAndLoadRefusesUnlessAllowed()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"activation_function\"", "\"auto_map\": {\"AutoModel\": \"x.Y\"},\n  \"activation_function\""));

        // The probe reports the marker (the host decides with the run's settings, not the process environment).
        ModelProbe probe = _adapter.Describe(folder);
        Assert.True(probe.CanLoad);
        Assert.Equal($"{config}: auto_map", probe.RemoteCodeMarker);
        Assert.Null(_adapter.Describe(CheckpointFactory.CreateTiny(_temp.Path, "clean")).RemoteCodeMarker);

        var e = Assert.Throws<InvarLockException>(() => _adapter.Load(folder, Options));
        Assert.Equal(ErrorCodes.SecurityRefused, e.Code);
        using IModel model = _adapter.Load(folder, new ModelLoadOptions { Threads = 1, AllowRemoteCodeConfig = true });
        Assert.Equal("gpt2", model.Description.Architecture);
    }

    [Fact]
    public void Load_GeneratedFolder_GivesAWorkingGpt2()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        using IModel model = _adapter.Load(folder, Options);

        Assert.IsType<DecoderModel>(model);
        ModelDescription d = model.Description;
        Assert.Equal(("gpt2", 2, 4, 64, 256, true, "causal"), (d.Architecture, d.Layers, d.Heads, d.HiddenSize, d.MaxPositions, d.TiedEmbeddings, d.Objective));
        Assert.Equal(model.Tokenizer.Info.VocabSize, d.VocabSize);
        Assert.DoesNotContain(model.Parameters.All, p => p.Name == "lm_head.weight");

        int[] ids = model.Tokenizer.Encode("The model was built in the city of stone. The river grew.");
        Assert.True(ids.Length > 8);
        IReadOnlyList<WindowLoss> losses = model.CausalLosses([ids.AsMemory()]);
        Assert.Equal(ids.Length - 1, losses[0].TokenCount);
        // A randomly initialised model predicts close to uniformly: mean loss near ln(vocab) (6.24 for 512).
        Assert.InRange(losses[0].MeanLoss, 5.0, 7.5);
    }

    [Fact]
    public void Load_UnprefixedNamesWithMaskBuffers_LoadsTheSameParameters()
    {
        string pristine = CheckpointFactory.CreateTiny(_temp.Path);
        string legacy = CheckpointFactory.CopyBitIdentical(pristine, _temp.Path, "legacy");
        string weights = Path.Combine(legacy, SafetensorsCheckpoint.SingleFileName);
        var tensors = new List<SafetensorsTensor>();
        using (SafetensorsFile file = SafetensorsFile.Open(weights))
        {
            foreach (SafetensorsEntry e in file.Entries)
            {
                tensors.Add(new SafetensorsTensor(e.Name["transformer.".Length..], e.Shape.Select(x => (int)x).ToArray(), file.ReadFloat32(e.Name)));
            }
        }
        tensors.Add(new SafetensorsTensor("h.0.attn.bias", [1, 1, 4, 4], new float[16]));
        tensors.Add(new SafetensorsTensor("h.1.attn.masked_bias", [], [-1e4f]));
        SafetensorsWriter.Write(weights, tensors);

        using IModel expected = _adapter.Load(pristine, Options);
        using IModel actual = _adapter.Load(legacy, Options);

        Assert.Equal(expected.Parameters.All.Select(p => p.Name), actual.Parameters.All.Select(p => p.Name));
        foreach (ParameterInfo p in expected.Parameters.All)
        {
            Assert.True(expected.Parameters.GetSpan(p.Name).SequenceEqual(actual.Parameters.GetSpan(p.Name)), p.Name);
        }
    }

    [Fact]
    public void Load_ScaledAndNaNVariants_LoadWithTheEditVisible()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string scaled = CheckpointFactory.ScaleWeights(baseline, _temp.Path, "scaled", 2f);
        string nan = CheckpointFactory.InjectNaN(baseline, _temp.Path, "nan", "transformer.h.1.attn.c_proj.weight", 5);

        using IModel b = _adapter.Load(baseline, Options);
        using IModel s = _adapter.Load(scaled, Options);
        using IModel n = _adapter.Load(nan, Options);
        const string Name = "transformer.h.1.attn.c_proj.weight";
        Assert.Equal(2f * b.Parameters.GetSpan(Name)[3], s.Parameters.GetSpan(Name)[3]);
        Assert.True(float.IsNaN(n.Parameters.GetSpan(Name)[5]));
        Assert.Equal(b.Parameters.GetSpan(Name)[4], n.Parameters.GetSpan(Name)[4]);
    }

    [Fact]
    public void Load_BrokenVariants_ThrowTheirErrorCodes()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        AssertLoadFails(CheckpointFactory.TruncateSafetensors(baseline, _temp.Path, "truncated"), ErrorCodes.MalformedSafetensors, "model.safetensors");
        AssertLoadFails(CheckpointFactory.CorruptHeader(baseline, _temp.Path, "header"), ErrorCodes.MalformedSafetensors, "unknown dtype 'Q32'");
        AssertLoadFails(CheckpointFactory.BreakConfigJson(baseline, _temp.Path, "config"), ErrorCodes.MalformedConfig, "config.json");

        string noTokenizer = CheckpointFactory.RemoveTokenizerFiles(baseline, _temp.Path, "no-tokenizer");
        var e = Assert.Throws<InvarLockException>(() => _adapter.Load(noTokenizer, Options));
        Assert.True(e.Code == ErrorCodes.MissingFile || e.Code == ErrorCodes.MalformedTokenizer, e.Code.ToString());

        string pickle = CheckpointFactory.CopyBitIdentical(baseline, _temp.Path, "pickle");
        File.Move(Path.Combine(pickle, "model.safetensors"), Path.Combine(pickle, "pytorch_model.bin"));
        AssertLoadFails(pickle, ErrorCodes.MissingFile, "pickle");
    }

    [Fact]
    public void Load_ConfigDisagreesWithWeights_ThrowsShapeMismatch()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"n_layer\": 2", "\"n_layer\": 3"));
        AssertLoadFails(folder, ErrorCodes.ShapeMismatch, "transformer.h.2.");
    }

    [Fact]
    public void ModelsPluginModule_Register_AddsTheHfCausalAndHfMlmAdapters()
    {
        var registrar = new Mock<IPluginRegistrar>(MockBehavior.Strict);
        registrar.Setup(r => r.AddAdapter(It.Is<IModelAdapter>(a => a.Descriptor.Name == "hf_causal" || a.Descriptor.Name == "hf_mlm")));
        new ModelsPluginModule().Register(registrar.Object);
        registrar.Verify(r => r.AddAdapter(It.Is<IModelAdapter>(a => a.Descriptor.Name == "hf_causal")), Times.Once);
        registrar.Verify(r => r.AddAdapter(It.Is<IModelAdapter>(a => a.Descriptor.Name == "hf_mlm")), Times.Once);
    }

    private void AssertLoadFails(string folder, ErrorCode code, string fragment)
    {
        var e = Assert.Throws<InvarLockException>(() => _adapter.Load(folder, Options).Dispose());
        Assert.Equal(code, e.Code);
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
