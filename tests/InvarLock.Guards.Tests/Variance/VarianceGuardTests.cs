using System.Text.Json;
using InvarLock.Guards.Tests.TestSupport;
using InvarLock.Guards.Variance;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;
using Moq;

namespace InvarLock.Guards.Tests.Variance;

public class VarianceGuardTests
{
    private static readonly List<ReadOnlyMemory<int>> Windows = FakeModel.Windows(24, 20);

    [Theory]
    [InlineData("balanced")]
    [InlineData("conservative")]
    [InlineData("aggressive")]
    public void Validate_IdenticalModel_Passes(string tier)
    {
        var model = new FakeModel();
        var guard = new VarianceGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model, GuardHarness.TierPolicy("variance", tier), Windows)).Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, GuardHarness.TierPolicy("variance", tier), Windows));
        Assert.True(o.Passed, o.Details?.ToJsonString());
        Assert.NotEqual(GuardAction.Abort, o.Action);
    }

    [Fact]
    public void Validate_DisabledVe_RestoresWeightsExactly_EnabledVe_LeavesSubjectScaled()
    {
        var model = new FakeModel();
        // Force a decision either way with a permissive and a strict gate.
        foreach (bool permissive in new[] { false, true })
        {
            var m = new FakeModel();
            float[] before = [.. m.Values("transformer.h.0.mlp.c_proj.weight"), .. m.Values("transformer.h.1.mlp.c_proj.weight")];
            string policy = permissive
                ? """{"min_rel_gain":0,"min_effect_lognll":null,"absolute_floor_ppl":0,"tie_breaker_deadband":0,"predictive_gate":false,"mode":"delta","max_adjusted_modules":0,"clamp":[0.5,2.0],"max_scale_step":0.5,"calibration":{"windows":8,"min_coverage":4,"seed":1}}"""
                : """{"min_rel_gain":0.9}""";
            var guard = new VarianceGuard();
            guard.Prepare(GuardHarness.Context(m, GuardHarness.Json(policy), Windows));
            GuardOutcome o = guard.Validate(GuardHarness.Context(m, GuardHarness.Json(policy), Windows));
            float[] after = [.. m.Values("transformer.h.0.mlp.c_proj.weight"), .. m.Values("transformer.h.1.mlp.c_proj.weight")];
            Assert.True(o.Passed);
            bool enabled = o.Details!["ve_enabled"]!.GetValue<bool>();
            Assert.Equal(enabled, guard.Enabled);
            Assert.Equal(enabled, o.Details["subject_scaled"]!.GetValue<bool>());
            if (!permissive)
            {
                Assert.False(enabled);
                Assert.Equal(before, after);
            }
            else if (enabled)
            {
                Assert.NotEqual(before, after);
                Assert.NotEmpty(guard.AppliedScales);
            }
        }
        Assert.NotNull(model);
    }

    [Fact]
    public void Validate_ObserveOnlySubject_ProposesAndTestsScalesButLeavesWeightsExactly()
    {
        // The permissive policy enables VE on an edited subject (see above); on a brought subject (observe-only) the
        // guard still proposes and A/B-tests the scales, reports that it would enable them, and changes nothing.
        string policy = """{"min_rel_gain":0,"min_effect_lognll":null,"absolute_floor_ppl":0,"tie_breaker_deadband":0,"predictive_gate":false,"mode":"delta","max_adjusted_modules":0,"clamp":[0.5,2.0],"max_scale_step":0.5,"calibration":{"windows":8,"min_coverage":4,"seed":1}}""";
        var edited = new FakeModel();
        var editGuard = new VarianceGuard();
        editGuard.Prepare(GuardHarness.Context(edited, GuardHarness.Json(policy), Windows, edit: "quant_rtn"));
        GuardOutcome editOutcome = editGuard.Validate(GuardHarness.Context(edited, GuardHarness.Json(policy), Windows, edit: "quant_rtn"));
        Assert.True(editOutcome.Details!["ve_enabled"]!.GetValue<bool>(), "the permissive policy must enable VE on an edited subject");

        var brought = new FakeModel();
        float[] before = [.. brought.Values("transformer.h.0.mlp.c_proj.weight"), .. brought.Values("transformer.h.1.mlp.c_proj.weight")];
        var guard = new VarianceGuard();
        guard.Prepare(GuardHarness.Context(brought, GuardHarness.Json(policy), Windows, observeOnly: true));
        GuardOutcome o = guard.Validate(GuardHarness.Context(brought, GuardHarness.Json(policy), Windows, observeOnly: true));
        float[] after = [.. brought.Values("transformer.h.0.mlp.c_proj.weight"), .. brought.Values("transformer.h.1.mlp.c_proj.weight")];
        Assert.Equal(before, after);
        Assert.False(guard.Enabled);
        Assert.False(o.Details!["ve_enabled"]!.GetValue<bool>());
        Assert.True(o.Details["observe_only"]!.GetValue<bool>());
        Assert.True(o.Details["would_enable"]!.GetValue<bool>());
        Assert.True(o.Details["ab_test_performed"]!.GetValue<bool>());
        Assert.NotEmpty(o.Details["proposed_scales"]!.AsObject());
    }

    [Theory]
    [InlineData("""{"min_rel_gian":0.1}""", "guards.variance.min_rel_gian: unknown key; valid keys under guards.variance:")]
    [InlineData("""{"calibration":{"windws":8}}""", "guards.variance.calibration.windws: unknown key; valid keys under guards.variance.calibration: min_coverage, seed, windows")]
    public void Parse_UnknownKey_ThrowsListingValidKeys(string policy, string message)
    {
        var ex = Assert.Throws<InvarLockException>(() => VarianceOptions.Parse(GuardHarness.Json(policy)));
        Assert.Equal(ErrorCodes.InvalidPolicy, ex.Code);
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void Validate_MonitorOnlyPolicy_NeverScales()
    {
        // The noop edit declares monitor_only through its policy adjustments; the guard reads only the policy.
        var model = new FakeModel();
        var guard = new VarianceGuard();
        JsonElement policy = GuardHarness.Json("""{"monitor_only":true}""");
        guard.Prepare(GuardHarness.Context(model, policy, Windows, edit: "noop"));
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, policy, Windows, edit: "noop"));
        Assert.True(o.Passed);
        Assert.Equal(GuardAction.None, o.Action);
        Assert.False(guard.Enabled);
        Assert.Equal("no_scaling_required", o.Details!["calibration"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public void Validate_TooFewWindows_WarnsMonitorMode()
    {
        var model = new FakeModel();
        var guard = new VarianceGuard();
        var few = Windows.Take(3).ToList();
        guard.Prepare(GuardHarness.Context(model, null, few));
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, null, few));
        Assert.True(o.Passed);
        Assert.Equal(GuardAction.Warn, o.Action);
        Assert.Equal("insufficient", o.Details!["calibration"]!["status"]!.GetValue<string>());
    }

    private static IModel ModulesOnly(string arch, params (string Name, ModuleKind Kind, ModuleRole Role, int Layer)[] modules)
    {
        var store = new Mock<IParameterStore>();
        store.Setup(s => s.TryGet(It.IsAny<string>(), out It.Ref<ParameterInfo>.IsAny))
            .Returns(new TryGetCallback((string n, out ParameterInfo p) => { p = new ParameterInfo(n, [4, 4]); return true; }));
        var model = new Mock<IModel>();
        model.SetupGet(m => m.Modules).Returns([.. modules.Select(m => new ModuleInfo(m.Name, m.Kind, m.Role, m.Layer, m.Name + ".weight", null))]);
        model.SetupGet(m => m.Parameters).Returns(store.Object);
        model.SetupGet(m => m.Description).Returns(new ModelDescription(arch, 2, 1, 4, 10, 10, false, 100, "causal"));
        return model.Object;
    }

    private delegate bool TryGetCallback(string name, out ParameterInfo info);

    [Fact]
    public void ResolveTargets_Llama_UsesDownProjThroughGpt2AliasTap()
    {
        IModel model = ModulesOnly("llama",
            ("model.layers.0.self_attn.o_proj", ModuleKind.Linear, ModuleRole.AttentionOutput, 0),
            ("model.layers.0.mlp.down_proj", ModuleKind.Linear, ModuleRole.Down, 0),
            ("model.layers.1.self_attn.o_proj", ModuleKind.Linear, ModuleRole.AttentionOutput, 1),
            ("model.layers.1.mlp.down_proj", ModuleKind.Linear, ModuleRole.Down, 1));
        var r = VarianceTargets.Resolve(model, VarianceOptions.Balanced);
        Assert.Equal(["model.layers.0.mlp.down_proj", "model.layers.1.mlp.down_proj"], r.Targets.Select(t => t.Name));
    }

    [Fact]
    public void ResolveTargets_NamesWithoutMeaning_ResolveByRole()
    {
        IModel model = ModulesOnly("custom",
            ("blocks.0.w_a", ModuleKind.Linear, ModuleRole.AttentionOutput, 0), ("blocks.0.w_b", ModuleKind.Linear, ModuleRole.Up, 0),
            ("blocks.0.w_c", ModuleKind.Linear, ModuleRole.Down, 0), ("blocks.1.mlp.c_proj", ModuleKind.Linear, ModuleRole.Up, 1),
            ("blocks.1.w_c", ModuleKind.Linear, ModuleRole.Down, 1));
        var both = VarianceOptions.Balanced with { Scope = "both", Tap = ["transformer.h.*.mlp.c_proj", "transformer.h.*.attn.c_proj"] };
        var r = VarianceTargets.Resolve(model, both);
        Assert.Equal(["blocks.0.w_a", "blocks.0.w_c", "blocks.1.w_c"], r.Targets.Select(t => t.Name));
        Assert.Equal(["transformer.h.0.attn.c_proj", "transformer.h.0.mlp.c_proj", "transformer.h.1.mlp.c_proj"], r.Targets.Select(t => t.Alias));
    }

    [Fact]
    public void ResolveTargets_Bert_BothScopes()
    {
        IModel model = ModulesOnly("bert",
            ("bert.encoder.layer.0.attention.output.dense", ModuleKind.Linear, ModuleRole.AttentionOutput, 0),
            ("bert.encoder.layer.0.output.dense", ModuleKind.Linear, ModuleRole.Down, 0),
            ("bert.encoder.layer.1.attention.output.dense", ModuleKind.Linear, ModuleRole.AttentionOutput, 1),
            ("bert.encoder.layer.1.output.dense", ModuleKind.Linear, ModuleRole.Down, 1));
        var both = VarianceOptions.Balanced with { Scope = "both", Tap = ["transformer.h.*.mlp.c_proj", "transformer.h.*.attn.c_proj"] };
        var r = VarianceTargets.Resolve(model, both);
        Assert.Equal(4, r.Targets.Count);
        Assert.Equal(2, r.Targets.Count(t => t.Branch == "attn"));
    }

    [Fact]
    public void ResolveTargets_TierTapTakesEffect()
    {
        var model = new FakeModel();
        // scope both but the balanced tap only names the MLP projection: attention targets are rejected as tap_mismatch.
        var r = VarianceTargets.Resolve(model, VarianceOptions.Balanced with { Scope = "both" });
        Assert.All(r.Targets, t => Assert.Equal("mlp", t.Branch));
        Assert.Equal(2, r.Record["rejected"]!["tap_mismatch"]!["count"]!.GetValue<int>());
        var attnTap = VarianceTargets.Resolve(model, VarianceOptions.Balanced with { Scope = "attn", Tap = ["transformer.h.*.attn.c_proj"] });
        Assert.Equal(["transformer.h.0.attn.c_proj", "transformer.h.1.attn.c_proj"], attnTap.Targets.Select(t => t.Name));
    }

    [Fact]
    public void ResolveTargets_FocusList_KeepsOnlyFocus()
    {
        var r = VarianceTargets.Resolve(new FakeModel(), VarianceOptions.Balanced with { TargetModules = ["transformer.h.1.mlp.c_proj"] });
        Assert.Equal("transformer.h.1.mlp.c_proj", Assert.Single(r.Targets).Name);
    }

    [Fact]
    public void Prepare_NoTargets_NotReadyAndValidateAborts()
    {
        IModel model = ModulesOnly("custom", ("encoder.blocks.0.proj", ModuleKind.Linear, ModuleRole.Query, 0));
        var guard = new VarianceGuard();
        Assert.False(guard.Prepare(GuardHarness.Context(model)).Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Abort, o.Action);
    }

    [Theory]
    [InlineData("""{"clamp":[0.05,1.2]}""", "guards.variance.clamp")]
    [InlineData("""{"clamp":[1.2,1.1]}""", "guards.variance.clamp")]
    [InlineData("""{"max_calib":10}""", "guards.variance.max_calib: 10 is outside")]
    [InlineData("""{"mode":"magic"}""", "guards.variance.mode")]
    [InlineData("""{"alpha":1}""", "guards.variance.alpha: 1 is outside (0, 1)")]
    [InlineData("""{"scope":"ffn+attn"}""", "guards.variance.scope")]
    [InlineData("""{"min_rel_gain":1}""", "guards.variance.min_rel_gain")]
    public void Parse_InvalidPolicy_Throws(string policy, string messageStart)
    {
        var e = Assert.Throws<InvarLockException>(() => VarianceOptions.Parse(GuardHarness.Json(policy)));
        Assert.Equal(ErrorCodes.InvalidPolicy, e.Code);
        Assert.StartsWith(messageStart, e.Message);
    }

    [Fact]
    public void Parse_EmptyPolicy_IsBalanced() => Assert.Equal(VarianceOptions.Balanced.ToJson().ToJsonString(), VarianceOptions.Parse(GuardHarness.Empty).ToJson().ToJsonString());

    [Fact]
    public void GlobToRegex_MatchesFnmatch()
    {
        Assert.Matches(VarianceTargets.GlobToRegex("transformer.h.*.mlp.c_proj"), "transformer.h.11.mlp.c_proj");
        Assert.DoesNotMatch(VarianceTargets.GlobToRegex("transformer.h.*.mlp.c_proj"), "transformer.h.1.attn.c_proj");
        Assert.Matches(VarianceTargets.GlobToRegex("a?[0-9]"), "ab7");
    }
}
