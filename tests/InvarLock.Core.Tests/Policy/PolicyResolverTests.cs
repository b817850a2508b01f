using System.Text.Json.Nodes;
using InvarLock.Core.Plugins;
using InvarLock.Core.Policy;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Tests.Policy;

public sealed class PolicyResolverTests
{
    private static ResolvedPolicy Resolve(string? tier = null, string? profile = null, string? edit = null, string? preset = null,
        IReadOnlyList<string>? overrides = null, Func<string, string?>? env = null) =>
        FirstPartyPolicy.Resolve(new PolicyRequest(tier, profile, edit, preset, overrides ?? []), env);

    [Theory]
    [InlineData("balanced", 1.10, 0.20)]
    [InlineData("conservative", 1.05, 0.12)]
    [InlineData("aggressive", 1.20, 0.30)]
    public void Resolve_Tier_UsesTierMetricNumbers(string tier, double ratioLimit, double tailMax)
    {
        ResolvedPolicy policy = Resolve(tier);
        Assert.Equal(ratioLimit, policy.MetricNumber("pm_ratio.ratio_limit_base"));
        Assert.Equal(tailMax, policy.MetricNumber("pm_tail.quantile_max"));
        Assert.Equal(["invariants", "spectral", "rmt", "variance", "invariants"], policy.GuardOrder);
    }

    [Fact]
    public void Resolve_NoTier_DefaultsToBalancedDev()
    {
        ResolvedPolicy policy = Resolve();
        Assert.Equal("balanced", policy.Tier);
        Assert.Equal("dev", policy.Profile.Name);
        Assert.Equal(64, policy.Profile.PreviewWindows);
    }

    [Fact]
    public void Resolve_UnknownTier_ThrowsUsageListingTiers()
    {
        var ex = Assert.Throws<InvarLockException>(() => Resolve("reckless"));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
        Assert.Contains("balanced, conservative, aggressive", ex.Message);
    }

    [Fact]
    public void Resolve_QuantRtnEdit_WidensRmtDeadband()
    {
        Assert.Equal(0.10, Resolve().GuardSection("rmt").GetProperty("deadband").GetDouble());
        Assert.Equal(0.15, Resolve(edit: "quant_rtn").GuardSection("rmt").GetProperty("deadband").GetDouble());
    }

    [Fact]
    public void Resolve_ReleaseProfile_RaisesVarianceCalibrationBudget()
    {
        ResolvedPolicy policy = Resolve(profile: "release");
        Assert.Equal(320, policy.GuardSection("variance").GetProperty("max_calib").GetInt32());
        Assert.Equal(400, policy.Profile.FinalWindows);
        Assert.True(policy.Profile.Strict);
    }

    [Fact]
    public void Resolve_CiCpuProfile_ReplacesRatioLimit()
    {
        Assert.Equal(1.15, Resolve(profile: "ci_cpu").MetricNumber("pm_ratio.ratio_limit_base"));
    }

    [Fact]
    public void Resolve_Override_WinsOverTierAndEdit()
    {
        ResolvedPolicy policy = Resolve(edit: "quant_rtn", overrides: ["guards.rmt.deadband=0.2", "guards.spectral.max_caps=3"]);
        Assert.Equal(0.2, policy.GuardSection("rmt").GetProperty("deadband").GetDouble());
        Assert.Equal(3, policy.GuardSection("spectral").GetProperty("max_caps").GetInt32());
        // Siblings survive a deep merge.
        Assert.Equal(1.5, policy.GuardSection("rmt").GetProperty("margin").GetDouble());
    }

    [Fact]
    public void Resolve_Preset_MergesGuardsAndReplacesOrder()
    {
        string path = Path.Combine(Path.GetTempPath(), $"preset-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "guard_order: [invariants, spectral]\nguards:\n  spectral:\n    deadband: 0.2\n");
        try
        {
            ResolvedPolicy policy = Resolve(preset: path);
            Assert.Equal(["invariants", "spectral"], policy.GuardOrder);
            Assert.Equal(0.2, policy.GuardSection("spectral").GetProperty("deadband").GetDouble());
            Assert.Equal(0.95, policy.GuardSection("spectral").GetProperty("sigma_quantile").GetDouble());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("dataset: { provider: synthetic }\n", "unknown key 'dataset'; valid keys: guard_order, guards, metrics")]
    [InlineData("metrics:\n  pm_ratio:\n    ratio_limit: 1.2\n", "metrics.pm_ratio.ratio_limit: unknown key; valid keys under metrics.pm_ratio:")]
    [InlineData("metrics:\n  pm_drift: { min: 0.9 }\n", "metrics.pm_drift: unknown key; valid keys under metrics: accuracy, confidence,")]
    public void Resolve_PresetWithUnknownKey_ThrowsInvalidPolicyListingValidKeys(string yaml, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"preset-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        try
        {
            var ex = Assert.Throws<InvarLockException>(() => Resolve(preset: path));
            Assert.Equal(ErrorCodes.InvalidPolicy, ex.Code);
            Assert.Contains(message, ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Resolve_PresetAddsGuardSection_ListedAsAdded()
    {
        ResolvedPolicy policy = Resolve(overrides: ["guards.my_guard.limit=3"]);
        Assert.Equal(["my_guard"], policy.AddedGuardSections);
    }

    [Fact]
    public void Resolve_ConfigRoot_TiersFileOverridesShipped()
    {
        string root = Path.Combine(Path.GetTempPath(), $"cfg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "runtime"));
        File.WriteAllText(Path.Combine(root, "runtime", "tiers.yaml"), "balanced:\n  metrics:\n    pm_ratio:\n      ratio_limit_base: 1.3\n");
        try
        {
            ResolvedPolicy policy = Resolve(env: name => name == "INVARLOCK_CONFIG_ROOT" ? root : null);
            Assert.Equal(1.3, policy.MetricNumber("pm_ratio.ratio_limit_base"));
            Assert.Equal(50000, policy.MetricNumber("pm_ratio.min_tokens"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Theory]
    [InlineData("metrics.pm_ratio.ratio_limit_base=0.9", "metrics.pm_ratio.ratio_limit_base")]
    [InlineData("metrics.pm_tail.quantile=2", "metrics.pm_tail.quantile")]
    [InlineData("metrics.pm_tail.mode=loud", "metrics.pm_tail.mode")]
    public void Resolve_InvalidMetricValue_ThrowsWithKeyPath(string assignment, string keyPath)
    {
        var ex = Assert.Throws<InvarLockException>(() => Resolve(overrides: [assignment]));
        Assert.Equal(ErrorCodes.InvalidPolicy, ex.Code);
        Assert.StartsWith(keyPath, ex.Message);
    }

    [Fact]
    public void Resolve_OverrideWithoutEquals_ThrowsUsage()
    {
        var ex = Assert.Throws<InvarLockException>(() => Resolve(overrides: ["guards.rmt.deadband"]));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
    }

    /// <summary>A guard whose defaults set a..e to 1, so each layer's winner shows in one value.</summary>
    private sealed class LayeredDefaults : IGuardPolicyProvider
    {
        public string GateId => "layered_ok";

        public JsonObject DefaultPolicy(string tier, string profile) => new() { ["a"] = 1, ["b"] = 1, ["c"] = 1, ["d"] = 1, ["e"] = 1 };

        public string? PolicyKeyFor(GuardViolation violation, JsonNode? details) => null;
    }

    [Fact]
    public void Resolve_Layers_GuardDefaultsThenConfigRootThenEditThenPresetThenOverrides()
    {
        string root = Path.Combine(Path.GetTempPath(), $"cfg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "runtime"));
        string tiersFile = Path.Combine(root, "runtime", "tiers.yaml");
        File.WriteAllText(tiersFile, "balanced:\n  guards:\n    layered: { b: 2, c: 2, d: 2, e: 2 }\n");
        string preset = Path.Combine(root, "preset.yaml");
        File.WriteAllText(preset, "guards:\n  layered: { d: 4, e: 4 }\n");
        var catalog = new GuardPolicyCatalog([("layered", new LayeredDefaults())], ["layered"]);
        try
        {
            ResolvedPolicy policy = PolicyResolver.Resolve(new PolicyRequest(null, null, "my_edit", preset, ["guards.layered.e=5"])
            {
                EditAdjustments = new JsonObject { ["guards"] = new JsonObject { ["layered"] = new JsonObject { ["c"] = 3, ["d"] = 3, ["e"] = 3 } } },
            }, catalog, name => name == "INVARLOCK_CONFIG_ROOT" ? root : null);

            JsonObject section = (JsonObject)policy.Document["guards"]!["layered"]!;
            Assert.Equal([1.0, 2, 3, 4, 5], new[] { "a", "b", "c", "d", "e" }.Select(k => JsonNumbers.TryGetDouble(section[k], out double d) ? d : double.NaN));
            Assert.Equal(["shipped:tiers.yaml", tiersFile, "profile:dev", "edit:my_edit", Path.GetFullPath(preset), "overrides"], policy.Sources);
            Assert.Equal(["layered"], policy.GuardOrder);
            Assert.Empty(policy.AddedGuardSections);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void Resolve_NoGuardsRegistered_GuardsSectionAndOrderEmpty()
    {
        ResolvedPolicy policy = PolicyResolver.Resolve(new PolicyRequest(null, null, null, null, []), GuardPolicyCatalog.Empty, _ => null);

        Assert.Empty(policy.GuardOrder);
        Assert.Empty((JsonObject)policy.Document["guards"]!);
        Assert.Equal(1.10, policy.MetricNumber("pm_ratio.ratio_limit_base"));
    }

    [Fact]
    public void Resolve_EditAdjustmentsOutsideGuardsAndMetrics_ThrowsInvalidPolicy()
    {
        var ex = Assert.Throws<InvarLockException>(() => PolicyResolver.Resolve(new PolicyRequest(null, null, "odd", null, [])
        {
            EditAdjustments = new JsonObject { ["guard_order"] = new JsonArray("x") },
        }, GuardPolicyCatalog.Empty, _ => null));

        Assert.Equal(ErrorCodes.InvalidPolicy, ex.Code);
        Assert.Contains("edit odd", ex.Message);
    }

    [Theory]
    [InlineData("dev", false)]
    [InlineData("ci_cpu", false)]
    [InlineData("ci", true)]
    [InlineData("release", true)]
    public void Resolve_Profile_RmtActivationRequirementFromGuardProfileDefaults(string profile, bool required)
    {
        ResolvedPolicy policy = Resolve(profile: profile);

        Assert.Equal(required, policy.GuardSection("rmt").TryGetProperty("activation_required", out var value) && value.GetBoolean());
    }

    [Fact]
    public void Resolve_QuantRtnEdit_SourceNamesTheEdit()
    {
        Assert.Equal(["shipped:tiers.yaml", "profile:dev", "edit:quant_rtn"], Resolve(edit: "quant_rtn").Sources);
        Assert.Equal(["shipped:tiers.yaml", "profile:dev"], Resolve().Sources);
    }

    [Fact]
    public void Resolve_NoopEdit_SetsVarianceMonitorOnly()
    {
        ResolvedPolicy policy = Resolve(edit: "noop");

        Assert.True(policy.GuardSection("variance").GetProperty("monitor_only").GetBoolean());
        Assert.False(Resolve().GuardSection("variance").TryGetProperty("monitor_only", out _));
        Assert.Contains("edit:noop", policy.Sources);
    }

    [Fact]
    public void For_UnknownProfile_Throws()
    {
        var ex = Assert.Throws<InvarLockException>(() => ProfileSettings.For("prod"));
        Assert.Contains("dev, ci, ci_cpu, release", ex.Message);
    }
}
