using Contoso.InvarLock.WeightNormDrift;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;

namespace InvarLock.Sdk.Testing.Tests;

/// <summary>The sample third-party guard (tests/plugins/WeightNormDrift) unit-tested the way its author would: against
/// <see cref="FakeModel"/> and <see cref="GuardTestContext"/>, with no InvarLock internals.</summary>
public sealed class SampleGuardTests
{
    [Fact]
    public void Run_UnchangedSubject_Passes()
    {
        using var model = new FakeModel();

        (GuardPrepared prepared, GuardOutcome outcome) = GuardTestContext.Run(new WeightNormDriftGuard(), model, model);

        Assert.True(prepared.Ready);
        Assert.True(outcome.Passed);
        Assert.Equal(0, outcome.Metrics["max_relative_drift"]);
    }

    [Fact]
    public void Run_ScaledWeightBeyondLimit_AbortsNamingTheWeight()
    {
        using var baseline = new FakeModel();
        using var subject = new FakeModel();
        foreach (ref float w in subject.Parameters.GetSpan("transformer.h.1.mlp.c_fc.weight"))
        {
            w *= 1.2f;
        }

        (_, GuardOutcome outcome) = GuardTestContext.Run(new WeightNormDriftGuard(), baseline, subject,
            GuardTestContext.Policy("""{"max_relative_drift": 0.1}"""));

        Assert.False(outcome.Passed);
        Assert.Equal(GuardAction.Abort, outcome.Action);
        GuardViolation v = Assert.Single(outcome.Violations);
        Assert.Equal(("norm_drift", "transformer.h.1.mlp.c_fc.weight"), (v.Code, v.Module));
        Assert.Equal(0.2, v.Value!.Value, 5);
    }

    [Theory]
    [InlineData("""{"max_relative_drift": -1}""", "guards.weight_norm_drift.max_relative_drift: -1 is outside (0, inf]")]
    [InlineData("""{"max_relative_drift": 0.1, "max_drift": 2}""", "guards.weight_norm_drift.max_drift: unknown key; valid keys under guards.weight_norm_drift: max_relative_drift")]
    public void CheckPolicy_BadPolicy_IsInvalidPolicy(string policy, string message)
    {
        var e = Assert.Throws<InvarLockException>(() => new WeightNormDriftGuard().CheckPolicy(GuardTestContext.Policy(policy)));

        Assert.Equal(ErrorCodes.InvalidPolicy, e.Code);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Validate_WithoutPrepare_FailsClosed()
    {
        using var model = new FakeModel();

        GuardOutcome outcome = new WeightNormDriftGuard().Validate(GuardTestContext.Context(model));

        Assert.False(outcome.Passed);
        Assert.Equal(GuardAction.Abort, outcome.Action);
        Assert.Equal(GuardBase<double>.NotPreparedCode, Assert.Single(outcome.Violations).Code);
    }
}
