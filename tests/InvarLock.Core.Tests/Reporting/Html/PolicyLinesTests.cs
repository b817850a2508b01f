using System.Text.Json.Nodes;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core.Tests.Reporting.Html;

public sealed class PolicyLinesTests
{
    [Fact]
    public void PathsIn_GateSource_ExtractsEachDottedPathOnce()
    {
        IReadOnlyList<string> paths = PolicyLines.PathsIn("metrics.pm_ratio.ratio_limit_base + metrics.pm_ratio.hysteresis_ratio (metrics.pm_ratio.ratio_limit_base)");

        Assert.Equal(["metrics.pm_ratio.ratio_limit_base", "metrics.pm_ratio.hysteresis_ratio"], paths);
        Assert.Empty(PolicyLines.PathsIn("profile (ci, release)"));
    }

    [Fact]
    public void ValueAt_ResolvedPolicy_ReadsScalarsAndSummarisesSections()
    {
        JsonObject resolved = ReportBuilder.Build(ReportFixtures.Run()).Policy.Resolved;

        Assert.Equal("1.1", PolicyLines.ValueAt(resolved, "metrics.pm_ratio.ratio_limit_base"));
        Assert.Equal("3.849", PolicyLines.ValueAt(resolved, "guards.spectral.family_caps.ffn.kappa"));
        Assert.Equal("(not set)", PolicyLines.ValueAt(resolved, "metrics.pm_drift_band.max"));
        Assert.StartsWith("{section with", PolicyLines.ValueAt(resolved, "guards.variance"));
    }

    [Fact]
    public void ForViolation_SpectralZCap_FamilyFromGuardDetails()
    {
        var details = new JsonObject
        {
            ["findings"] = new JsonArray(new JsonObject { ["type"] = "family_z_cap", ["module"] = "transformer.h.0.attn.c_attn", ["family"] = "attn" }),
        };
        GuardSection guard = Guard("spectral", details);
        var violation = new GuardViolationSection("family_z_cap", "z above kappa", "transformer.h.0.attn.c_attn", 4.2, 3.018, false);

        Assert.Equal("guards.spectral.family_caps.attn.kappa", PolicyLines.ForViolation(guard, violation, FirstPartyPolicy.Guards));
    }

    [Theory]
    [InlineData("rmt", "epsilon_band", "ffn", "guards.rmt.epsilon_by_family.ffn")]
    [InlineData("spectral", "max_spectral_norm", "m", "guards.spectral.max_spectral_norm")]
    [InlineData("spectral", "family_z_cap", "unknown.module", "guards.spectral.family_caps.<family>.kappa")]
    [InlineData("variance", "variance_calibration", null, "guards.variance.calibration.min_coverage")]
    [InlineData("invariants", "non_finite_tensor", "h.0", "guards.invariants")]
    public void ForViolation_KnownCodes_MapToTheirPolicyKey(string guardName, string code, string? module, string expected)
    {
        var violation = new GuardViolationSection(code, "msg", module, 1, 0.5, true);

        Assert.Equal(expected, PolicyLines.ForViolation(Guard(guardName, null), violation, FirstPartyPolicy.Guards));
    }

    private static GuardSection Guard(string name, JsonObject? details) =>
        new(name, 1, "first-party", true, null, false, "abort", [], new Dictionary<string, double?>(), details, null);
}
