using System.Text.Json.Nodes;
using InvarLock.Compute;
using InvarLock.Guards.Numerics;
using InvarLock.Guards.Spectral;
using InvarLock.Guards.Tests.TestSupport;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;

namespace InvarLock.Guards.Tests.Spectral;

public class SpectralGuardTests
{
    private static (SpectralGuard, FakeModel, GuardPrepared) Prepared(string tier = "balanced", int layers = 4, string? policy = null)
    {
        var model = new FakeModel(layers: layers, width: 24);
        var guard = new SpectralGuard();
        GuardPrepared p = guard.Prepare(GuardHarness.Context(model, policy is null ? GuardHarness.TierPolicy("spectral", tier) : GuardHarness.Json(policy)));
        return (guard, model, p);
    }

    [Theory]
    [InlineData("balanced")]
    [InlineData("conservative")]
    [InlineData("aggressive")]
    public void Validate_BitIdenticalSubject_ZScoresEqualBaselineAndNothingFires(string tier)
    {
        var (guard, model, prepared) = Prepared(tier);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model, GuardHarness.TierPolicy("spectral", tier)));
        Assert.True(o.Passed);
        Assert.Equal(GuardAction.None, o.Action);
        Assert.Empty(o.Violations);
        // z of each module equals the baseline's own cross-sectional z.
        var sigmas = prepared.Details!["module_sigmas"]!.AsObject();
        var stats = prepared.Details["family_stats"]!.AsObject();
        var families = o.Details!["module_family_map"]!.AsObject();
        foreach (var (module, z) in o.Details["final_z_scores"]!.AsObject())
        {
            var fs = stats[families[module]!.GetValue<string>()]!;
            double std = fs["std"]!.GetValue<double>();
            double expected = std > 0 ? (sigmas[module]!.GetValue<double>() - fs["mean"]!.GetValue<double>()) / std : 0.0;
            Assert.Equal(expected, z!.GetValue<double>(), 12);
        }
    }

    [Fact]
    public void Validate_MlpWeightsTimesThree_TripsSpectral()
    {
        var (guard, model, _) = Prepared();
        foreach (string n in model.Parameters.All.Select(p => p.Name).Where(n => n.Contains(".mlp.") && n.EndsWith(".weight")))
        {
            float[] w = model.Values(n);
            for (int i = 0; i < w.Length; i++)
            {
                w[i] *= 3;
            }
        }
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Rollback, o.Action);
        Assert.Equal(8, o.Metrics["caps_applied"]);
        Assert.All(o.Violations, v => Assert.Equal("family_z_cap", v.Code));
        Assert.Equal("[\"ffn\"]", o.Details!["multiple_testing_selection"]!["families_selected"]!.ToJsonString());
    }

    [Fact]
    public void Validate_RankOneAttentionProjection_TripsDegeneracy()
    {
        var (guard, model, _) = Prepared();
        float[] w = model.Values("transformer.h.1.attn.c_proj.weight");
        int d = 24;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                w[(i * d) + j] = (float)((0.5 + (0.01 * i)) * (1.0 + (0.02 * j)) * 0.1);
            }
        }
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.False(o.Passed);
        Assert.Equal(GuardAction.Rollback, o.Action);
        Assert.Contains(o.Violations, v => v.Code == "degeneracy_stable_rank_drop" && v.Fatal && v.Module == "transformer.h.1.attn.c_proj");
    }

    [Fact]
    public void Validate_ZeroedRow_TripsNormCollapse()
    {
        var (guard, model, _) = Prepared();
        float[] w = model.Values("transformer.h.0.attn.c_proj.weight");
        Array.Clear(w, 0, 24);
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.Contains(o.Violations, v => v.Code == "degeneracy_norm_collapse" && v.Module == "transformer.h.0.attn.c_proj");
    }

    [Fact]
    public void Validate_MaxSpectralNorm_IsFatal()
    {
        var (guard, model, _) = Prepared(policy: """{"max_spectral_norm":0.01}""");
        GuardOutcome o = guard.Validate(GuardHarness.Context(model));
        Assert.False(o.Passed);
        Assert.All(o.Violations, v => Assert.True(v.Fatal));
        Assert.Contains(o.Violations, v => v.Code == "max_spectral_norm");
    }

    [Fact]
    public void Validate_CapsEqualToMaxCapsPass_ZeroMaxCapsFails()
    {
        // One attention module ×6 with a low attn κ: a single selected cap.
        foreach ((int maxCaps, bool passed) in new[] { (1, true), (0, false) })
        {
            var (guard, model, _) = Prepared(policy: "{\"max_caps\":" + maxCaps + ",\"family_caps\":{\"attn\":2.5,\"ffn\":50,\"embed\":50,\"other\":50}}");
            float[] w = model.Values("transformer.h.2.attn.c_proj.weight");
            for (int i = 0; i < w.Length; i++)
            {
                w[i] *= 6;
            }
            GuardOutcome o = guard.Validate(GuardHarness.Context(model));
            Assert.Equal(passed, o.Passed);
            Assert.Equal(passed ? GuardAction.Warn : GuardAction.Rollback, o.Action);
            Assert.Equal(1, o.Metrics["caps_applied"]);
        }
    }

    [Fact]
    public void Validate_ReportBlock_HasContractAndSummaries()
    {
        var (guard, model, _) = Prepared();
        JsonObject d = guard.Validate(GuardHarness.Context(model)).Details!;
        Assert.Equal("11477633fd52f070", d["measurement_contract_hash"]!.GetValue<string>());
        Assert.True(d["measurement_contract_match"]!.GetValue<bool>());
        Assert.NotNull(d["top_z_scores"]!["ffn"]);
        Assert.NotNull(d["family_z_quantiles"]!["attn"]!["q95"]);
        Assert.Equal(4, d["multiple_testing"]!["m"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"kappa":2}""", "guards.spectral.kappa")]
    [InlineData("""{"contraction":1}""", "guards.spectral.contraction")]
    [InlineData("""{"multipletesting":{}}""", "guards.spectral.multipletesting")]
    [InlineData("""{"sigma_quantile":1.5}""", "guards.spectral.sigma_quantile: 1.5 is outside [0, 1]")]
    [InlineData("""{"deadband":0.6}""", "guards.spectral.deadband: 0.6 is outside [0, 0.5]")]
    [InlineData("""{"scope":"everything"}""", "guards.spectral.scope")]
    [InlineData("""{"multiple_testing":{"alpha":0}}""", "guards.spectral.multiple_testing.alpha: 0 is outside (0, 1]")]
    [InlineData("""{"family_caps":{"ffn":{"kappa":-1}}}""", "guards.spectral.family_caps.ffn.kappa")]
    public void Prepare_InvalidPolicy_Throws(string policy, string messageStart)
    {
        var e = Assert.Throws<InvarLockException>(() => new SpectralGuard().Prepare(GuardHarness.Context(new FakeModel(), GuardHarness.Json(policy))));
        Assert.Equal(ErrorCodes.InvalidPolicy, e.Code);
        Assert.StartsWith(messageStart, e.Message);
    }

    [Fact]
    public void DegeneracyRatios_AreScaleInvariant_Property()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            int rows = rng.Next(2, 30);
            int cols = rng.Next(2, 30);
            float[] w = new float[rows * cols];
            for (int i = 0; i < w.Length; i++)
            {
                w[i] = (float)(rng.NextDouble() - 0.5);
            }
            float c = (float)Math.Pow(10, (rng.NextDouble() * 4) - 2);
            float[] scaled = w.Select(x => x * c).ToArray();
            double sr = MatrixStatistics.StableRank(MatrixStatistics.FrobeniusSquared(w), PowerIteration.TopSingularValue(w, rows, cols, 4));
            double srScaled = MatrixStatistics.StableRank(MatrixStatistics.FrobeniusSquared(scaled), PowerIteration.TopSingularValue(scaled, rows, cols, 4));
            Assert.Equal(sr, srScaled, 4);
            Assert.Equal(MatrixStatistics.RowColumnNormExtrema(w, rows, cols).CollapseRatio,
                MatrixStatistics.RowColumnNormExtrema(scaled, rows, cols).CollapseRatio, 5);
        }
    }
}
