using InvarLock.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Testing.Tests;

/// <summary>The LLaMA- and Phi-3-shaped <see cref="FakeModel"/>: names, shapes, roles, description, a forward pass every
/// weight matters to, taps for every module, and a parameter store that reports how it was used.</summary>
public sealed class FakeModelLayoutTests
{
    private static readonly List<ReadOnlyMemory<int>> Windows = FakeModel.Windows(3, 12);

    private static double TotalLoss(IModel model) => model.CausalLosses(Windows).Sum(w => w.LossSum);

    [Fact]
    public void Llama_GqaShapesRolesAndDescription()
    {
        using var model = new FakeModel(FakeModelLayout.Llama, layers: 2, width: 16, heads: 4, keyValueHeads: 1);

        Assert.True(model.Parameters.TryGet("model.layers.1.self_attn.q_proj.weight", out ParameterInfo q));
        Assert.Equal([16, 16], q.Shape);
        Assert.True(model.Parameters.TryGet("model.layers.1.self_attn.k_proj.weight", out ParameterInfo k));
        Assert.Equal([4, 16], k.Shape);
        Assert.True(model.Parameters.TryGet("model.layers.1.mlp.down_proj.weight", out ParameterInfo down));
        Assert.Equal([16, 48], down.Shape);
        Assert.False(model.Parameters.TryGet("model.layers.0.input_layernorm.bias", out _));
        ModelDescription d = model.Description;
        Assert.Equal(("llama", 4, 1, 4, 48, "rmsnorm", "rotary", false), (d.Architecture, d.Heads, d.KeyValueHeads, d.HeadDim, d.IntermediateSize, d.NormKind, d.PositionKind, d.TiedEmbeddings));
        Assert.Equal(model.Parameters.All.Sum(p => p.ElementCount), d.ParameterCount);
        Assert.Equal(
            [ModuleRole.TokenEmbedding, ModuleRole.AttentionNorm, ModuleRole.Query, ModuleRole.Key, ModuleRole.Value, ModuleRole.AttentionOutput,
             ModuleRole.MlpNorm, ModuleRole.Gate, ModuleRole.Up, ModuleRole.Down],
            model.Modules.Take(10).Select(m => m.Role));
        Assert.Equal([ModuleRole.FinalNorm, ModuleRole.OutputHead], model.Modules.TakeLast(2).Select(m => m.Role));
        Assert.All(model.Modules.Where(m => m.Kind == ModuleKind.Linear), m => Assert.Null(m.BiasName));
        Assert.Equal(ModuleKind.RmsNorm, model.Modules.Single(m => m.Role == ModuleRole.FinalNorm).Kind);
    }

    [Fact]
    public void Phi3_FusedProjectionsStackedRows()
    {
        using var model = new FakeModel(FakeModelLayout.Phi3, layers: 1, width: 16, heads: 4, keyValueHeads: 2);

        Assert.True(model.Parameters.TryGet("model.layers.0.self_attn.qkv_proj.weight", out ParameterInfo qkv));
        Assert.Equal([32, 16], qkv.Shape);
        Assert.True(model.Parameters.TryGet("model.layers.0.mlp.gate_up_proj.weight", out ParameterInfo gu));
        Assert.Equal([96, 16], gu.Shape);
        Assert.Equal("phi3", model.Description.Architecture);
        Assert.Equal(32, model.Modules.Single(m => m.Role == ModuleRole.FusedQkv).OutputWidth);
        Assert.DoesNotContain(model.Modules, m => m.Role is ModuleRole.Query or ModuleRole.Key or ModuleRole.Value or ModuleRole.Gate or ModuleRole.Up);
    }

    [Theory]
    [InlineData(FakeModelLayout.Llama, "model.layers.1.self_attn.k_proj.weight")]
    [InlineData(FakeModelLayout.Llama, "model.layers.0.mlp.gate_proj.weight")]
    [InlineData(FakeModelLayout.Llama, "model.layers.0.post_attention_layernorm.weight")]
    [InlineData(FakeModelLayout.Llama, "lm_head.weight")]
    [InlineData(FakeModelLayout.Phi3, "model.layers.0.self_attn.qkv_proj.weight")]
    [InlineData(FakeModelLayout.Phi3, "model.layers.1.mlp.gate_up_proj.weight")]
    [InlineData(FakeModelLayout.Phi3, "model.norm.weight")]
    public void Evaluate_ChangingAnyWeight_ChangesTheLoss(FakeModelLayout layout, string parameter)
    {
        using var model = new FakeModel(layout);
        double before = TotalLoss(model);
        Assert.True(double.IsFinite(before) && before > 0);
        float[] w = model.Values(parameter);
        for (int i = 0; i < w.Length; i++)
        {
            w[i] *= 1.5f;
        }
        Assert.NotEqual(before, TotalLoss(model));
    }

    [Theory]
    [InlineData(FakeModelLayout.Gpt2)]
    [InlineData(FakeModelLayout.Llama)]
    [InlineData(FakeModelLayout.Phi3)]
    public void Evaluate_TapsEveryModuleWithItsOutputWidth(FakeModelLayout layout)
    {
        using var model = new FakeModel(layout);
        var tap = new RecordingTap(model.Modules.Select(m => m.Name));
        model.CausalLosses(Windows.Take(1).ToList(), tap);
        Assert.Equal(model.Modules.Select(m => m.Name).Order(StringComparer.Ordinal), tap.Widths.Keys.Order(StringComparer.Ordinal));
        Assert.All(model.Modules, m => Assert.Equal(m.OutputWidth, tap.Widths[m.Name]));
    }

    [Fact]
    public void Parameters_ReadCopiesWithoutGetSpan_GetSpanIsRecorded()
    {
        using var model = new FakeModel(FakeModelLayout.Llama);
        const string Name = "model.layers.0.self_attn.v_proj.weight";
        float[] part = new float[5];
        model.Parameters.Read(Name, 3, part);
        Assert.Equal(model.Values(Name).AsSpan(3, 5).ToArray(), part);
        Assert.Equal(1, model.ReadCalls);
        Assert.Empty(model.SpanRequests);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Parameters.Read(Name, model.Values(Name).Length - 2, part));
        Assert.Throws<KeyNotFoundException>(() => model.Parameters.Read("nope", 0, part));

        model.Parameters.GetSpan(Name)[0] = 1f;
        Assert.Equal([Name], model.SpanRequests);
    }

    [Fact]
    public void Constructor_HeadsNotDividingWidth_Throws() =>
        Assert.Throws<ArgumentException>(() => new FakeModel(FakeModelLayout.Llama, width: 16, heads: 3, keyValueHeads: 1));

    private sealed class RecordingTap(IEnumerable<string> names) : IActivationTap
    {
        public IReadOnlySet<string> ModuleNames { get; } = new HashSet<string>(names, StringComparer.Ordinal);

        public Dictionary<string, int> Widths { get; } = new(StringComparer.Ordinal);

        public void OnActivation(string moduleName, int windowIndex, ReadOnlySpan<float> activations, int tokens, int width)
        {
            Assert.Equal(tokens * width, activations.Length);
            Widths[moduleName] = width;
        }
    }
}
