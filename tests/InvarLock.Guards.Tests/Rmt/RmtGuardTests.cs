using System.Text.Json;
using InvarLock.Guards.Rmt;
using InvarLock.Guards.Tests.TestSupport;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Tests.Rmt;

public class RmtGuardTests
{
    private static readonly List<ReadOnlyMemory<int>> Windows = FakeModel.Windows(10, 24);

    [Theory]
    [InlineData("balanced")]
    [InlineData("conservative")]
    [InlineData("aggressive")]
    public void Validate_IdenticalModel_IsStable(string tier)
    {
        var model = new FakeModel();
        var guard = new RmtGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model, GuardHarness.TierPolicy("rmt", tier), Windows)).Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, GuardHarness.TierPolicy("rmt", tier), Windows));
        Assert.True(o.Passed);
        Assert.Equal(GuardAction.None, o.Action);
        Assert.Equal(8, o.Metrics["batches_used"]);
        Assert.Equal("[0,1,3,4,5,6,8,9]", o.Details!["window_indices"]!.ToJsonString());
        Assert.Equal("09a06894aea32df9".Length, o.Details["measurement_contract_hash"]!.GetValue<string>().Length);
        Assert.True(o.Details["edge_risk_by_family"]!["attn"]!.GetValue<double>() > 0);
    }

    [Fact]
    public void Validate_SpikedMlpOutput_ViolatesEpsilonBand()
    {
        var model = new FakeModel();
        var guard = new RmtGuard();
        guard.Prepare(GuardHarness.Context(model, GuardHarness.TierPolicy("rmt", "balanced"), Windows));
        // A rank-one spike in c_fc makes its output dominated by one direction: σ̂ of the whitened activations rises.
        float[] w = model.Values("transformer.h.0.mlp.c_fc.weight");
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                w[(i * 64) + j] += 3.0f * (float)Math.Sin(i + 1);
            }
        }
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, GuardHarness.TierPolicy("rmt", "balanced"), Windows));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Rollback, o.Action);
        Assert.Contains(o.Violations, v => v.Code == "epsilon_band" && v.Module == "ffn");
    }

    [Fact]
    public void Prepare_RequiredWithoutWindows_NotReadyAndValidateAborts()
    {
        var model = new FakeModel();
        var guard = new RmtGuard();
        JsonElement required = GuardHarness.Json("""{"activation_required":true}""");
        Assert.False(guard.Prepare(GuardHarness.Context(model, required, profile: "ci")).Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, required, profile: "ci"));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Abort, o.Action);
        GuardViolation v = Assert.Single(o.Violations);
        Assert.Equal("not_prepared", v.Code);
        Assert.Contains("activation_batches_unavailable", v.Message);
    }

    [Fact]
    public void Prepare_NotRequiredWithoutWindows_PassesVacuously()
    {
        var model = new FakeModel();
        var guard = new RmtGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(model, profile: "dev")).Ready);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, profile: "dev"));
        Assert.True(o.Passed);
        Assert.False(o.Details!["evaluated"]!.GetValue<bool>());
    }

    [Fact]
    public void Prepare_CiProfileWithoutActivationRequiredKey_NotRequired()
    {
        // The requirement comes from the ci/release profile defaults in the policy, never from the profile name.
        var guard = new RmtGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(new FakeModel(), profile: "ci")).Ready);
    }

    [Fact]
    public void Prepare_ExplicitActivationRequiredFalse_OverridesProfile()
    {
        var guard = new RmtGuard();
        Assert.True(guard.Prepare(GuardHarness.Context(new FakeModel(), GuardHarness.Json("""{"activation_required":false}"""), profile: "release")).Ready);
    }

    [Fact]
    public void Validate_NotPrepared_Aborts()
    {
        GuardOutcome o = new RmtGuard().Validate(GuardHarness.Context(new FakeModel()));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Abort, o.Action);
        Assert.Equal("not_prepared", Assert.Single(o.Violations).Code);
    }

    [Fact]
    public void EpsilonBand_ReferenceCases()
    {
        RmtOptions opts = RmtOptions.Parse(GuardHarness.Json("""{"epsilon_default":0,"epsilon_by_family":{"embed":0.05}}"""));
        var v = RmtGuard.EpsilonBandViolations(new Dictionary<string, double> { ["attn"] = 1, ["embed"] = 1 },
            new Dictionary<string, double> { ["attn"] = 2, ["embed"] = 1.2 }, opts);
        Assert.Equal(["attn", "embed"], v.Select(x => x.Family));
        Assert.Equal(1.05, v[1].Allowed, 12);

        RmtOptions half = RmtOptions.Parse(GuardHarness.Json("""{"epsilon_default":0.5}"""));
        Assert.Empty(RmtGuard.EpsilonBandViolations(new Dictionary<string, double> { ["attn"] = 2.0 }, new Dictionary<string, double> { ["attn"] = 3.0 }, half));

        RmtOptions tenth = RmtOptions.Parse(GuardHarness.Json("""{"epsilon_default":0.1}"""));
        var w = RmtGuard.EpsilonBandViolations(new Dictionary<string, double> { ["ffn"] = 0, ["attn"] = 10 }, new Dictionary<string, double> { ["ffn"] = 100, ["attn"] = 12 }, tenth);
        Assert.Equal(11.0, Assert.Single(w).Allowed, 12);
    }

    [Fact]
    public void EpsilonBand_DoublingEpsilonNeverTurnsPassIntoFail_Property()
    {
        var rng = new Random(9);
        for (int trial = 0; trial < 200; trial++)
        {
            var b = new Dictionary<string, double>();
            var c = new Dictionary<string, double>();
            foreach (string f in RmtOptions.CoreFamilies)
            {
                b[f] = rng.NextDouble();
                c[f] = b[f] * (0.9 + (0.3 * rng.NextDouble()));
            }
            double eps = rng.NextDouble() * 0.2;
            bool pass = RmtGuard.EpsilonBandViolations(b, c, RmtOptions.Parse(GuardHarness.Json($$"""{"epsilon_default":{{eps}}}"""))).Count == 0;
            bool pass2 = RmtGuard.EpsilonBandViolations(b, c, RmtOptions.Parse(GuardHarness.Json($$"""{"epsilon_default":{{2 * eps}}}"""))).Count == 0;
            Assert.True(!pass || pass2);
        }
    }

    [Theory]
    [InlineData(3, 2, "evenly_spaced", "0,2")]
    [InlineData(4, 2, "last", "2,3")]
    [InlineData(4, 2, "first", "0,1")]
    [InlineData(6, 3, "evenly_spaced", "0,2,5")]
    [InlineData(10, 8, "evenly_spaced", "0,1,3,4,5,6,8,9")]
    public void SampleIndices_MatchReference(int n, int k, string policy, string expected) =>
        Assert.Equal(expected, string.Join(',', ActivationEdgeRisk.SampleIndices(n, k, policy)));

    [Theory]
    [InlineData(ModuleRole.TokenEmbedding, ModuleKind.Embedding, true)]
    [InlineData(ModuleRole.PositionEmbedding, ModuleKind.Embedding, true)]
    [InlineData(ModuleRole.AttentionNorm, ModuleKind.LayerNorm, true)]
    [InlineData(ModuleRole.MlpNorm, ModuleKind.RmsNorm, true)]
    [InlineData(ModuleRole.FinalNorm, ModuleKind.RmsNorm, true)]
    [InlineData(ModuleRole.QueryNorm, ModuleKind.RmsNorm, false)]
    [InlineData(ModuleRole.Query, ModuleKind.Linear, true)]
    [InlineData(ModuleRole.FusedQkv, ModuleKind.Linear, true)]
    [InlineData(ModuleRole.Gate, ModuleKind.Linear, true)]
    [InlineData(ModuleRole.FusedGateUp, ModuleKind.Linear, true)]
    [InlineData(ModuleRole.Down, ModuleKind.Conv1D, true)]
    [InlineData(ModuleRole.OutputHead, ModuleKind.Linear, false)]
    public void IsTapped_Role_MatchesReferenceWithRmsNormTapped(ModuleRole role, ModuleKind kind, bool expected) =>
        Assert.Equal(expected, ActivationEdgeRisk.IsTapped(new ModuleInfo("not.a.telling.name", kind, role, 0, "w", null)));

    [Theory]
    [InlineData(ModuleRole.Gate, "ffn")]
    [InlineData(ModuleRole.FusedGateUp, "ffn")]
    [InlineData(ModuleRole.Key, "attn")]
    [InlineData(ModuleRole.FinalNorm, "other")]
    [InlineData(ModuleRole.MlpNorm, "other")]
    [InlineData(ModuleRole.PositionEmbedding, "embed")]
    public void Family_Role_MatchesReference(ModuleRole role, string family) =>
        Assert.Equal(family, ActivationEdgeRisk.Family(new ModuleInfo("model.layers.0.post_attention_layernorm", ModuleKind.Linear, role, 0, "w", null)));

    [Theory]
    [InlineData("""{"epsilon":0.1}""")]
    [InlineData("""{"margin":0.5}""")]
    [InlineData("""{"epsilon_default":-1}""")]
    [InlineData("""{"epsilon_by_family":{"ffn":"x"}}""")]
    [InlineData("""{"q":20}""")]
    public void Parse_InvalidPolicy_Throws(string policy) =>
        Assert.Equal(ErrorCodes.InvalidPolicy, Assert.Throws<InvarLockException>(() => RmtOptions.Parse(GuardHarness.Json(policy))).Code);

    [Fact]
    public void Parse_NumericStringEpsilon_IsAccepted() =>
        Assert.Equal(0.08, RmtOptions.Parse(GuardHarness.Json("""{"epsilon_by_family":{"ffn":"0.08"}}""")).EpsilonFor("ffn"));
}
