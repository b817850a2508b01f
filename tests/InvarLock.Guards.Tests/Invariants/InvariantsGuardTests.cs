using InvarLock.Guards.Invariants;
using InvarLock.Guards.Tests.TestSupport;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Tests.Invariants;

public class InvariantsGuardTests
{
    private static (InvariantsGuard Guard, FakeModel Model) Prepared(string policy = "{}")
    {
        var model = new FakeModel();
        var guard = new InvariantsGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model, GuardHarness.Json(policy))).Ready);
        return (guard, model);
    }

    [Fact]
    public void Validate_UnchangedModel_PassesWithNoAction()
    {
        var (guard, model) = Prepared();
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.True(o.Passed);
        Assert.Equal(GuardAction.None, o.Action);
        Assert.Empty(o.Violations);
        Assert.True(o.Metrics["checks_performed"] >= 6);
    }

    [Fact]
    public void Validate_NaNWeight_IsFatalAbort()
    {
        var (guard, model) = Prepared();
        model.Values("transformer.h.1.mlp.c_fc.weight")[3] = float.NaN;
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Abort, o.Action);
        GuardViolation v = Assert.Single(o.Violations);
        Assert.Equal("non_finite_tensor", v.Code);
        Assert.Equal("parameter::transformer.h.1.mlp.c_fc.weight", v.Module);
        Assert.True(v.Fatal);
    }

    [Theory]
    [InlineData("rollback", GuardAction.Rollback)]
    [InlineData("abort", GuardAction.Abort)]
    public void Validate_NaNWithOnFail_UsesOnFail(string onFail, GuardAction expected)
    {
        var (guard, model) = Prepared($$"""{"on_fail":"{{onFail}}"}""");
        model.Values("transformer.wte.weight")[0] = float.PositiveInfinity;
        Assert.Equal(expected, guard.Validate(GuardHarness.Context(model)).Action);
    }

    [Fact]
    public void Validate_MissingNorm_IsWarningInLenientMode_FatalInStrict()
    {
        var (guard, model) = Prepared();
        model.ModuleList.RemoveAll(m => m.Name == "transformer.h.0.ln_2");
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.True(o.Passed);
        Assert.Equal(GuardAction.Warn, o.Action);
        Assert.Contains(o.Violations, v => v.Code == "layer_norm_missing" && v.Module == "transformer.h.0.ln_2" && !v.Fatal);
        // The structure hash changed too (warning).
        Assert.Contains(o.Violations, v => v.Code == "invariant_violation" && v.Message.Contains("structure_hash"));

        var (strict, model2) = Prepared("""{"strict_mode":true,"on_fail":"rollback"}""");
        model2.ModuleList.RemoveAll(m => m.Name == "transformer.h.0.ln_2");
        GuardOutcome s = strict.Validate(GuardHarness.Context(model2));
        Assert.False(s.Passed);
        Assert.Equal(GuardAction.Rollback, s.Action);
    }

    [Fact]
    public void Validate_EmbeddingResized_IsTokenizerMismatch()
    {
        var (guard, model) = Prepared();
        model.SetParameter("transformer.wte.weight", [24, 16], new float[24 * 16]);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.False(o.Passed);
        GuardViolation v = Assert.Single(o.Violations, x => x.Code == "tokenizer_mismatch");
        Assert.Equal("transformer.wte", v.Module);
        Assert.Equal(24, v.Value);
    }

    [Fact]
    public void Validate_UntiedHead_IsWeightTyingWarning()
    {
        var (guard, model) = Prepared();
        model.SetParameter("lm_head.weight", [48, 16], (float[])model.Values("transformer.wte.weight").Clone());
        model.ModuleList.Add(new ModuleInfo("lm_head", ModuleKind.Linear, ModuleRole.OutputHead, -1, "lm_head.weight", null));
        model.Description = model.Description with { TiedEmbeddings = false };
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.True(o.Passed);
        Assert.Equal(GuardAction.Warn, o.Action);
        Assert.Contains(o.Violations, v => v.Code == "invariant_violation" && v.Message.Contains("weight_tying"));
    }

    [Fact]
    public void Validate_ParameterCountChangeOnly_WarnsOnce()
    {
        var (guard, model) = Prepared();
        // An extra tensor no module uses changes the count without contradicting any role's shape.
        model.SetParameter("transformer.extra.weight", [6], new float[6]);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.True(o.Passed);
        Assert.Equal(GuardAction.Warn, o.Action);
        Assert.Equal(1, o.Metrics["warning_violations"]);
    }

    [Fact]
    public void Validate_NotPrepared_FailsClosedWithAbort()
    {
        GuardOutcome o = new InvariantsGuard().Validate(GuardHarness.Context(new FakeModel()));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Abort, o.Action);
        Assert.Equal("not_prepared", Assert.Single(o.Violations).Code);
    }

    [Fact]
    public void Prepare_InvalidOnFail_IsInvalidPolicy()
    {
        var e = Assert.Throws<InvarLockException>(() => new InvariantsGuard().Prepare(GuardHarness.Context(new FakeModel(), GuardHarness.Json("""{"on_fail":"explode"}"""))));
        Assert.Equal(ErrorCodes.InvalidPolicy, e.Code);
        Assert.StartsWith("guards.invariants.on_fail: \"explode\" is outside", e.Message);
    }

    [Fact]
    public void Validate_ProfileChecks_RecordedForCausalModel()
    {
        var (guard, model) = Prepared();
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.Equal("true", o.Details!["current_checks"]!["profile::causal_masking"]!.ToJsonString());
    }
}
