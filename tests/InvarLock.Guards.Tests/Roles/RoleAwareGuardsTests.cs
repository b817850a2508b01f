using System.Text.Json.Nodes;
using InvarLock.Guards.Common;
using InvarLock.Guards.Invariants;
using InvarLock.Guards.Rmt;
using InvarLock.Guards.Spectral;
using InvarLock.Guards.Tests.TestSupport;
using InvarLock.Guards.Variance;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Tests.Roles;

/// <summary>Every guard on a GPT-2-, a LLaMA- (GQA) and a Phi-3-shaped (fused) model: the families it reports are the
/// role-derived ones of <see cref="GuardScopes"/>, and it reads weights through <see cref="IParameterStore.Read"/>,
/// never through the writable <see cref="IParameterStore.GetSpan"/> (which would widen a half-precision tensor).</summary>
public class RoleAwareGuardsTests
{
    private static readonly List<ReadOnlyMemory<int>> Windows = FakeModel.Windows(12, 16);

    public static TheoryData<FakeModelLayout> Layouts => [FakeModelLayout.Gpt2, FakeModelLayout.Llama, FakeModelLayout.Phi3];

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Spectral_EachLayout_FamiliesByRoleAndReadsWithoutGetSpan(FakeModelLayout layout)
    {
        var model = new FakeModel(layout);
        var guard = new SpectralGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model, GuardHarness.TierPolicy("spectral", "balanced"))).Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, GuardHarness.TierPolicy("spectral", "balanced")));

        Assert.True(o.Passed, o.Details?.ToJsonString());
        var map = (JsonObject)o.Details!["module_family_map"]!;
        var expected = GuardScopes.Describe(model).Where(s => s.Spectral is not null).ToDictionary(s => s.Module, s => s.Spectral!);
        Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal),
            map.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value!.GetValue<string>())));
        Assert.Empty(model.SpanRequests);
        Assert.True(model.ReadCalls > 0);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Rmt_EachLayout_TapsNormsAndProjectionsByRoleAndReadsNoWeights(FakeModelLayout layout)
    {
        var model = new FakeModel(layout);
        var guard = new RmtGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model, GuardHarness.TierPolicy("rmt", "balanced"), Windows)).Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, GuardHarness.TierPolicy("rmt", "balanced"), Windows));

        Assert.True(o.Passed, o.Details?.ToJsonString());
        var scored = ((JsonObject)o.Details!["edge_risk_by_module"]!).Select(kv => kv.Key).ToList();
        var tapped = GuardScopes.Describe(model).Where(s => s.Rmt is not null).Select(s => s.Module).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(tapped, scored);
        // RMSNorm outputs are tapped as LayerNorm outputs are (the reference tapped LayerNorm only).
        Assert.Contains(model.Modules, m => m.Kind == (layout == FakeModelLayout.Gpt2 ? ModuleKind.LayerNorm : ModuleKind.RmsNorm) && scored.Contains(m.Name));
        Assert.Empty(model.SpanRequests);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Variance_EachLayout_TargetsOutputProjectionsByRole(FakeModelLayout layout)
    {
        var model = new FakeModel(layout);
        var guard = new VarianceGuard();
        GuardPrepared p = guard.Prepare(GuardHarness.Context(model, GuardHarness.TierPolicy("variance", "aggressive"), Windows));
        Assert.True(p.Ready, p.Details?.ToJsonString());

        var matched = ((JsonArray)p.Details!["target_resolution"]!["matched"]!).Select(n => n!.GetValue<string>()).ToList();
        var expected = model.Modules.Where(m => m.Role is ModuleRole.AttentionOutput or ModuleRole.Down).Select(m => m.Name)
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, matched);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, GuardHarness.TierPolicy("variance", "aggressive"), Windows));
        Assert.NotEqual(GuardAction.Abort, o.Action);
        // Only the weights VE scales (writes) may go through GetSpan.
        var targetWeights = model.Modules.Where(m => expected.Contains(m.Name)).Select(m => m.WeightName).ToHashSet();
        Assert.Subset(targetWeights, model.SpanRequests.ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Invariants_EachLayout_PassesTracksNormsByRoleAndReadsWithoutGetSpan(FakeModelLayout layout)
    {
        var model = new FakeModel(layout);
        var guard = new InvariantsGuard();
        GuardPrepared p = guard.Prepare(GuardHarness.Context(model));
        Assert.True(p.Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));

        Assert.True(o.Passed, o.Details?.ToJsonString());
        Assert.Empty(o.Violations);
        var norms = ((JsonArray)o.Details!["baseline_checks"]!["layer_norm_paths"]!).Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(model.Modules.Where(m => ModuleRoles.IsNorm(m.Role)).Select(m => m.Name).Order(StringComparer.Ordinal), norms);
        bool tied = layout == FakeModelLayout.Gpt2;
        Assert.Equal(tied, o.Details["baseline_checks"]!["weight_tying"]!.GetValue<bool>());
        Assert.Equal(tied, o.Details["baseline_checks"]!["weight_tying_arches"]![model.Description.Architecture]!.GetValue<bool>());
        Assert.Empty(model.SpanRequests);
    }

    [Fact]
    public void Invariants_LlamaKeyWithQueryRows_IsFatalShapeMismatch()
    {
        var model = new FakeModel(FakeModelLayout.Llama, heads: 4, keyValueHeads: 2);
        var guard = new InvariantsGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model)).Ready);
        // An edit that gave k_proj one row per query head although the model has 2 key/value heads.
        model.SetParameter("model.layers.1.self_attn.k_proj.weight", [16, 16], new float[256]);

        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Abort, o.Action);
        GuardViolation v = Assert.Single(o.Violations, x => x.Code == "shape_mismatch");
        Assert.Equal("model.layers.1.self_attn.k_proj", v.Module);
        Assert.True(v.Fatal);
        Assert.Contains("[16, 16], expected [8, 16]", v.Message);
    }

    [Fact]
    public void Invariants_DescriptionWithOtherKeyValueHeads_FlagsFusedQkvShape()
    {
        var model = new FakeModel(FakeModelLayout.Phi3, heads: 4, keyValueHeads: 2);
        var guard = new InvariantsGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model)).Ready);
        model.Description = model.Description with { KeyValueHeads = 1 };

        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.False(o.Passed);
        var shapes = o.Violations.Where(x => x.Code == "shape_mismatch").Select(x => x.Module).ToList();
        // (4 + 2·1)·4 = 24 rows expected, 32 stored, in every block.
        Assert.Equal(["model.layers.0.self_attn.qkv_proj", "model.layers.1.self_attn.qkv_proj"], shapes);
    }

    [Fact]
    public void Invariants_HeadsNotDivisibleByKeyValueHeads_IsShapeMismatch()
    {
        var model = new FakeModel(FakeModelLayout.Llama, heads: 4, keyValueHeads: 2);
        model.Description = model.Description with { KeyValueHeads = 3 };
        RoleShapeProblem problem = Assert.Single(RoleShapes.Check(model));
        Assert.Null(problem.Module);
        Assert.Contains("4 query heads do not divide into 3 key/value heads", problem.Message);
    }

    [Fact]
    public void Invariants_RmsNormWeightNotFinite_IsFatal()
    {
        var model = new FakeModel(FakeModelLayout.Llama);
        var guard = new InvariantsGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model)).Ready);
        model.Values("model.layers.0.post_attention_layernorm.weight")[2] = float.NaN;

        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.Equal(GuardAction.Abort, o.Action);
        Assert.Equal("parameter::model.layers.0.post_attention_layernorm.weight", Assert.Single(o.Violations).Module);
    }

    [Fact]
    public void Invariants_RemovedRmsNorm_IsLayerNormMissing()
    {
        var model = new FakeModel(FakeModelLayout.Llama);
        var guard = new InvariantsGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model)).Ready);
        model.ModuleList.RemoveAll(m => m.Name == "model.layers.1.input_layernorm");

        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.Contains(o.Violations, v => v.Code == "layer_norm_missing" && v.Module == "model.layers.1.input_layernorm");
    }

    [Fact]
    public void Invariants_LlamaProfile_RecognisesRotaryByRoles()
    {
        var model = new FakeModel(FakeModelLayout.Llama);
        var guard = new InvariantsGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model)).Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.Equal("true", o.Details!["current_checks"]!["profile::rope_rotary_embedding"]!.ToJsonString());
    }

    [Fact]
    public void RoleShapes_Gpt2ConvStoredTransposed_IsFlagged()
    {
        var model = new FakeModel();
        model.SetParameter("transformer.h.0.mlp.c_fc.weight", [64, 16], new float[64 * 16]);
        RoleShapeProblem p = Assert.Single(RoleShapes.Check(model));
        Assert.Equal("transformer.h.0.mlp.c_fc", p.Module);
        Assert.Contains("has shape [64, 16], expected [16, *]", p.Message);
    }

    [Fact]
    public void RoleShapes_BlockModuleOutsideTheLayers_IsFlagged()
    {
        var model = new FakeModel(FakeModelLayout.Phi3, layers: 2);
        int i = model.ModuleList.FindIndex(m => m.Role == ModuleRole.Down && m.Layer == 1);
        model.ModuleList[i] = model.ModuleList[i] with { Layer = 2 };
        RoleShapeProblem p = Assert.Single(RoleShapes.Check(model));
        Assert.Contains("layer index 2, outside [0, 2)", p.Message);
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void RoleShapes_ConsistentModels_HaveNoProblems(FakeModelLayout layout)
    {
        Assert.Empty(RoleShapes.Check(new FakeModel(layout, heads: 4, keyValueHeads: 4)));
        Assert.Empty(RoleShapes.Check(new FakeModel(layout, heads: 4, keyValueHeads: 1)));
    }
}
