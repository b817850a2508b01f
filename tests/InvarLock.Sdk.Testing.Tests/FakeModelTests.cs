using InvarLock.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Testing.Tests;

public sealed class FakeModelTests
{
    private static readonly List<ReadOnlyMemory<int>> Windows = FakeModel.Windows(3, 12);

    private static double TotalLoss(IModel model) => model.CausalLosses(Windows).Sum(w => w.LossSum);

    [Fact]
    public void Constructor_SameArguments_BitIdenticalWeightsAndLoss()
    {
        using var a = new FakeModel();
        using var b = new FakeModel();

        foreach (ParameterInfo p in a.Parameters.All)
        {
            Assert.Equal(a.Values(p.Name), b.Values(p.Name));
        }
        Assert.Equal(TotalLoss(a), TotalLoss(b));
    }

    [Fact]
    public void Parameters_Gpt2NamesAndShapes()
    {
        using var model = new FakeModel(layers: 3, width: 8, vocab: 20, positions: 16);

        Assert.True(model.Parameters.TryGet("transformer.wte.weight", out ParameterInfo wte));
        Assert.Equal([20, 8], wte.Shape);
        Assert.True(model.Parameters.TryGet("transformer.wpe.weight", out ParameterInfo wpe));
        Assert.Equal([16, 8], wpe.Shape);
        Assert.True(model.Parameters.TryGet("transformer.h.2.attn.c_attn.weight", out ParameterInfo attn));
        Assert.Equal([8, 24], attn.Shape);
        Assert.True(model.Parameters.TryGet("transformer.h.2.mlp.c_proj.weight", out ParameterInfo proj));
        Assert.Equal([32, 8], proj.Shape);
        Assert.False(model.Parameters.TryGet("transformer.h.3.ln_1.weight", out _));
        Assert.Equal(model.Parameters.All.Sum(p => p.ElementCount), model.Description.ParameterCount);
        Assert.Equal(3, model.Description.Layers);
    }

    [Fact]
    public void Modules_KindsAndFamiliesLikeTheGpt2Adapter()
    {
        using var model = new FakeModel(layers: 2, width: 8);

        Assert.Equal(2 + (6 * 2) + 1, model.Modules.Count);
        Assert.Equal(new ModuleInfo("transformer.wte", ModuleKind.Embedding, ModuleRole.TokenEmbedding, -1, "transformer.wte.weight", null) { OutputWidth = 8 },
            model.Modules[0]);
        ModuleInfo fc = model.Modules.Single(m => m.Name == "transformer.h.1.mlp.c_fc");
        Assert.Equal((ModuleKind.Conv1D, "ffn", 1, 32), (fc.Kind, fc.Family, fc.Layer, fc.OutputWidth));
        ModuleInfo attn = model.Modules.Single(m => m.Name == "transformer.h.0.attn.c_proj");
        Assert.Equal((ModuleKind.Conv1D, "attn", 0), (attn.Kind, attn.Family, attn.Layer));
        Assert.Equal(ModuleKind.LayerNorm, model.Modules[^1].Kind);
        Assert.All(model.Modules, m => Assert.True(model.Parameters.TryGet(m.WeightName, out _), m.WeightName));
    }

    [Fact]
    public void Evaluate_WeightChanged_LossChanges()
    {
        using var model = new FakeModel();
        double before = TotalLoss(model);

        model.Parameters.GetSpan("transformer.h.1.mlp.c_proj.weight")[3] += 0.5f;

        Assert.True(double.IsFinite(before) && before > 0);
        Assert.NotEqual(before, TotalLoss(model));
        Assert.Equal(2, model.ForwardCalls);
    }

    [Fact]
    public void Evaluate_EachWindow_CountsNextTokenPredictions()
    {
        using var model = new FakeModel();

        IReadOnlyList<WindowLoss> losses = model.CausalLosses(Windows);

        Assert.Equal(Windows.Count, losses.Count);
        Assert.All(losses, l => Assert.Equal(11, l.TokenCount));
    }

    [Fact]
    public void Evaluate_TokenOutsideVocabulary_Throws()
    {
        using var model = new FakeModel(vocab: 10);

        Assert.Throws<ArgumentOutOfRangeException>(() => model.CausalLosses([new[] { 1, 10 }]));
    }

    [Fact]
    public void SnapshotRestore_AfterEdits_ParametersBitForBit()
    {
        using var model = new FakeModel();
        float[] original = [.. model.Values("transformer.h.0.attn.c_attn.weight")];
        double loss = TotalLoss(model);
        IModelSnapshot snapshot = model.Snapshot();

        model.Parameters.GetSpan("transformer.h.0.attn.c_attn.weight").Fill(float.NaN);
        model.SetParameter("transformer.ln_f.bias", [3], new float[3]);
        model.Restore(snapshot);

        Assert.Equal(original, model.Values("transformer.h.0.attn.c_attn.weight"));
        Assert.True(model.Parameters.TryGet("transformer.ln_f.bias", out ParameterInfo bias));
        Assert.Equal([16], bias.Shape);
        Assert.Equal(loss, TotalLoss(model));
        Assert.Equal(model.Parameters.All.Sum(p => p.ElementCount), snapshot.ElementCount);
    }

    [Fact]
    public void Restore_SnapshotOfAnotherModel_Throws()
    {
        using var a = new FakeModel();
        using var b = new FakeModel();

        Assert.Throws<ArgumentException>(() => a.Restore(b.Snapshot()));
    }

    [Fact]
    public void Evaluate_TapOnMlpOutputs_ReceivesDeterministicActivationsThatFollowTheWeights()
    {
        using var model = new FakeModel(layers: 2, width: 8);
        string[] names = ["transformer.h.0.mlp.c_proj", "transformer.h.1.mlp.c_proj"];
        var first = new RecordingTap(names);
        var again = new RecordingTap(names);
        var edited = new RecordingTap(names);

        model.CausalLosses(Windows, first);
        model.CausalLosses(Windows, again);
        model.Parameters.GetSpan("transformer.h.1.mlp.c_proj.weight")[0] *= 2;
        model.CausalLosses(Windows, edited);

        Assert.Equal(names.Length * Windows.Count, first.Calls.Count);
        Assert.All(first.Calls, c => Assert.Equal((12, 8, 12 * 8), (c.Tokens, c.Width, c.Values.Length)));
        Assert.Equal(first.Calls.Select(c => c.Values), again.Calls.Select(c => c.Values));
        Assert.NotEqual(first.Calls.Last().Values, edited.Calls.Last().Values);
        Assert.DoesNotContain(first.Calls, c => c.Module.Contains("c_fc", StringComparison.Ordinal));
    }

    [Fact]
    public void Tokenizer_ByteLevel_RoundTripsWithFullByteVocabulary()
    {
        using var model = new FakeModel(vocab: 256, width: 4, layers: 1);

        int[] ids = model.Tokenizer.Encode("héllo");

        Assert.Equal(6, ids.Length);
        Assert.Equal("héllo", model.Tokenizer.Decode(ids));
        Assert.Equal(256, model.Tokenizer.Info.VocabSize);
        Assert.All(new ByteTokenizer(48).Encode("zzz"), id => Assert.InRange(id, 0, 47));
    }

    private sealed class RecordingTap(IEnumerable<string> modules) : IActivationTap
    {
        public IReadOnlySet<string> ModuleNames { get; } = new HashSet<string>(modules, StringComparer.Ordinal);

        public List<(string Module, int Window, float[] Values, int Tokens, int Width)> Calls { get; } = [];

        public void OnActivation(string moduleName, int windowIndex, ReadOnlySpan<float> activations, int tokens, int width) =>
            Calls.Add((moduleName, windowIndex, activations.ToArray(), tokens, width));
    }
}
