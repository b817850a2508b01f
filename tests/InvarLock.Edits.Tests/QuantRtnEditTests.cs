using System.Text.Json;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;
using InvarLock.Models.Weights;
using Moq;

namespace InvarLock.Edits.Tests;

public sealed class QuantRtnEditTests
{
    private static readonly float[] GoldenInput = [0.5f, -1f, 0.25f, 0f, 0.1f, 0.2f, -0.3f, 0.05f];

    /// <summary>A one-module model over a real <see cref="TensorStore"/>.</summary>
    private static (IModel Model, TensorStore Store) ModelWith(ModuleKind kind, int[] shape, float[] data, ModuleRole role = ModuleRole.Down)
    {
        var store = new TensorStore();
        store.Add("m.weight", shape, data);
        var model = new Mock<IModel>();
        model.SetupGet(m => m.Parameters).Returns(store);
        model.SetupGet(m => m.Modules).Returns([new ModuleInfo("m", kind, role, 0, "m.weight", null)]);
        return (model.Object, store);
    }

    private static EditSpec Spec(string json = "{}") => new(JsonDocument.Parse(json).RootElement, 42);

    [Fact]
    public void Apply_LinearGolden_MatchesReferencePerRowValues()
    {
        // Golden values from the reference spec (evaluation.md §7.1), NumPy/PyTorch fp32, half-even rounding.
        var (model, store) = ModelWith(ModuleKind.Linear, [2, 4], (float[])GoldenInput.Clone());
        new QuantRtnEdit().Apply(model, Spec());
        float[] expected = [0.5039370059967041f, -1.0f, 0.25196850299835205f, 0.0f,
            0.09921260178089142f, 0.20078739523887634f, -0.30000001192092896f, 0.04960630089044571f];
        Assert.Equal(expected, store.GetArray("m.weight"));
    }

    [Fact]
    public void Apply_LinearGoldenWithClamp_MatchesReference()
    {
        var (model, store) = ModelWith(ModuleKind.Linear, [2, 4], (float[])GoldenInput.Clone());
        new QuantRtnEdit().Apply(model, Spec("""{"clamp_ratio": 0.5}"""));
        float[] expected = [0.3125f, -0.250984251499176f, 0.250984251499176f, 0f,
            0.10039369761943817f, 0.125f, -0.03740157559514046f, 0.050196848809719086f];
        Assert.Equal(expected, store.GetArray("m.weight"));
    }

    [Fact]
    public void Apply_Conv1D_QuantizesPerOutputColumn()
    {
        // The golden matrix stored transposed ([in, out]) must give the transposed golden result.
        float[] transposed = new float[8];
        for (int r = 0; r < 2; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                transposed[c * 2 + r] = GoldenInput[r * 4 + c];
            }
        }
        var (model, store) = ModelWith(ModuleKind.Conv1D, [4, 2], transposed);
        new QuantRtnEdit().Apply(model, Spec());
        float[] w = store.GetArray("m.weight");
        Assert.Equal(0.5039370059967041f, w[0]);
        Assert.Equal(0.09921260178089142f, w[1]);
        Assert.Equal(-0.30000001192092896f, w[5]);
    }

    [Fact]
    public void Apply_ReportsChangesAndPlanDigest()
    {
        var (model, _) = ModelWith(ModuleKind.Linear, [2, 4], (float[])GoldenInput.Clone());
        EditResult result = new QuantRtnEdit().Apply(model, Spec());
        ParameterChange change = Assert.Single(result.Changes);
        Assert.Equal("m.weight", change.Parameter);
        Assert.True(change.MaxAbsChange > 0 && change.MaxAbsChange < 0.01);
        Assert.Equal("rtn_quantization_8bit_all", result.Details!["plan_digest"]!.GetValue<string>());
    }

    [Fact]
    public void Apply_ScopeAttn_LeavesFfnUntouched()
    {
        var (model, store) = ModelWith(ModuleKind.Linear, [2, 4], (float[])GoldenInput.Clone(), role: ModuleRole.Down);
        EditResult result = new QuantRtnEdit().Apply(model, Spec("""{"scope": "attn"}"""));
        Assert.Empty(result.Changes);
        Assert.Equal(GoldenInput, store.GetArray("m.weight"));
    }

    [Fact]
    public void Apply_Twice_IsIdempotent()
    {
        var (model, store) = ModelWith(ModuleKind.Linear, [2, 4], (float[])GoldenInput.Clone());
        new QuantRtnEdit().Apply(model, Spec());
        float[] once = (float[])store.GetArray("m.weight").Clone();
        new QuantRtnEdit().Apply(model, Spec());
        Assert.Equal(once, store.GetArray("m.weight"));
    }

    [Theory]
    [InlineData("""{"bitwidth": 4}""")]
    [InlineData("""{"scope": "everything"}""")]
    [InlineData("""{"clamp_ratio": 0.7}""")]
    [InlineData("""{"group": 3}""")]
    public void Apply_InvalidParameters_ThrowsUsage(string json)
    {
        var (model, _) = ModelWith(ModuleKind.Linear, [2, 4], (float[])GoldenInput.Clone());
        var ex = Assert.Throws<InvarLockException>(() => new QuantRtnEdit().Apply(model, Spec(json)));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
    }

    [Fact]
    public void Noop_Apply_ChangesNothing()
    {
        var (model, store) = ModelWith(ModuleKind.Linear, [2, 4], (float[])GoldenInput.Clone());
        EditResult result = new NoopEdit().Apply(model, Spec());
        Assert.Empty(result.Changes);
        Assert.Equal(GoldenInput, store.GetArray("m.weight"));
    }
}
