using System.Text.Json.Nodes;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;

namespace InvarLock.Sdk.Testing.Tests;

public sealed class GuardBaseTests
{
    private sealed record Options(bool Ready, double Limit, string Mode);

    private sealed class ProbeGuard : GuardBase<Options>
    {
        public int Parses { get; private set; }

        public int Validations { get; private set; }

        public override PluginDescriptor Descriptor { get; } = new("probe", new Version(1, 0), "test guard");

        protected override Options ParsePolicy(PolicyReader policy)
        {
            Parses++;
            PolicyReader nested = policy.Child("nested");
            return new Options(policy.Boolean("ready", true), nested.Number("limit", 1, 0, 10), policy.Choice("mode", "a", "a", "b"));
        }

        protected override GuardPrepared PrepareCore(GuardContext context, Options policy) =>
            new(policy.Ready, policy.Ready ? null : new JsonObject { ["reason"] = "nothing_to_measure" });

        protected override GuardOutcome ValidateCore(GuardContext context, Options policy)
        {
            Validations++;
            return GuardOutcome.Pass(new Dictionary<string, double> { ["limit"] = policy.Limit });
        }
    }

    [Fact]
    public void Validate_AfterReadyPrepare_UsesThePolicyPreparedWith()
    {
        using var model = new FakeModel(layers: 1, width: 4);
        var guard = new ProbeGuard();

        guard.Prepare(GuardTestContext.Context(model, GuardTestContext.Policy("""{"nested":{"limit":3}}""")));
        GuardOutcome outcome = guard.Validate(GuardTestContext.Context(model));

        Assert.True(outcome.Passed);
        Assert.Equal(3, outcome.Metrics["limit"]);
        Assert.Equal(1, guard.Parses);
    }

    [Fact]
    public void Validate_PrepareNotReady_AbortsQuotingTheReasonWithoutValidating()
    {
        using var model = new FakeModel(layers: 1, width: 4);
        var guard = new ProbeGuard();

        Assert.False(guard.Prepare(GuardTestContext.Context(model, GuardTestContext.Policy("""{"ready":false}"""))).Ready);
        GuardOutcome outcome = guard.Validate(GuardTestContext.Context(model));

        Assert.False(outcome.Passed);
        Assert.Equal(GuardAction.Abort, outcome.Action);
        GuardViolation v = Assert.Single(outcome.Violations);
        Assert.Equal(GuardBase<Options>.NotPreparedCode, v.Code);
        Assert.Equal("probe guard could not prepare on the baseline (nothing_to_measure)", v.Message);
        Assert.Equal(0, guard.Validations);
    }

    [Fact]
    public void Validate_PrepareThrew_StillNotPrepared()
    {
        using var model = new FakeModel(layers: 1, width: 4);
        var guard = new ProbeGuard();
        guard.Prepare(GuardTestContext.Context(model));

        Assert.Throws<InvarLockException>(() => guard.Prepare(GuardTestContext.Context(model, GuardTestContext.Policy("""{"mode":"c"}"""))));
        GuardOutcome outcome = guard.Validate(GuardTestContext.Context(model));

        Assert.Equal("probe guard was not prepared on the baseline", Assert.Single(outcome.Violations).Message);
    }

    [Theory]
    [InlineData("""{"nested":{"limit":11}}""", "guards.probe.nested.limit: 11 is outside [0, 10]")]
    [InlineData("""{"nested":{"limt":1}}""", "guards.probe.nested.limt: unknown key; valid keys under guards.probe.nested: limit")]
    [InlineData("""{"mood":"a"}""", "guards.probe.mood: unknown key; valid keys under guards.probe: mode, nested, ready")]
    [InlineData("""{"nested":3}""", "guards.probe.nested: 3 is outside a JSON object")]
    public void CheckPolicy_BadSection_InvalidPolicyLikePrepare(string policy, string message)
    {
        using var model = new FakeModel(layers: 1, width: 4);

        var check = Assert.Throws<InvarLockException>(() => new ProbeGuard().CheckPolicy(GuardTestContext.Policy(policy)));
        var prepare = Assert.Throws<InvarLockException>(() => new ProbeGuard().Prepare(GuardTestContext.Context(model, GuardTestContext.Policy(policy))));

        Assert.Equal(ErrorCodes.InvalidPolicy, check.Code);
        Assert.Equal(message, check.Message);
        Assert.Equal(message, prepare.Message);
    }
}
