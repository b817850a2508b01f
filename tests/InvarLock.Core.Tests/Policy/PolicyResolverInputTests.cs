using System.Text.Json.Nodes;
using InvarLock.Core.Plugins;
using InvarLock.Core.Policy;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Policy;

/// <summary>How <see cref="PolicyResolver"/> treats each layer's input: names, empty layers, wrong types and bad overrides.</summary>
public sealed class PolicyResolverInputTests
{
    private static ResolvedPolicy Resolve(PolicyRequest request, Func<string, string?>? env = null) =>
        PolicyResolver.Resolve(request, GuardPolicyCatalog.Empty, env ?? (_ => null));

    private static PolicyRequest Request(string? tier = null, string? preset = null, params string[] overrides) =>
        new(tier, null, null, preset, overrides);

    private static string TempFile(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"policy-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Resolve_NullArguments_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => PolicyResolver.Resolve(null!, GuardPolicyCatalog.Empty));
        Assert.Throws<ArgumentNullException>(() => PolicyResolver.Resolve(Request(), null!));
    }

    [Fact]
    public void Resolve_NoEnvironmentGiven_UsesProcessEnvironment()
    {
        // Only runs meaningfully where the variable is unset (as in CI); then the shipped tiers alone apply.
        if (Environment.GetEnvironmentVariable("INVARLOCK_CONFIG_ROOT") is not null)
        {
            return;
        }
        ResolvedPolicy policy = PolicyResolver.Resolve(Request(), GuardPolicyCatalog.Empty);

        Assert.Equal(["shipped:tiers.yaml", "profile:dev"], policy.Sources);
    }

    [Theory]
    [InlineData(" Conservative ", "conservative", 1.05)]
    [InlineData("AGGRESSIVE", "aggressive", 1.20)]
    public void Resolve_TierCaseAndSpaces_Normalised(string tier, string expected, double ratioLimit)
    {
        ResolvedPolicy policy = Resolve(Request(tier));

        Assert.Equal(expected, policy.Tier);
        Assert.Equal(expected, policy.Document["tier"]!.GetValue<string>());
        Assert.Equal("dev", policy.Document["profile"]!.GetValue<string>());
        Assert.Equal(ratioLimit, policy.MetricNumber("pm_ratio.ratio_limit_base"));
    }

    [Fact]
    public void Resolve_UnknownTier_MessageQuotesWhatWasAsked()
    {
        var error = Assert.Throws<InvarLockException>(() => Resolve(Request("Reckless")));

        Assert.Equal("unknown tier 'Reckless'; valid tiers: balanced, conservative, aggressive", error.Message);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("")]
    public void Resolve_BlankConfigRoot_Ignored(string root)
    {
        Assert.Equal(["shipped:tiers.yaml", "profile:dev"], Resolve(Request(), _ => root).Sources);
    }

    [Fact]
    public void Resolve_ConfigRootWithoutTiersFile_ShippedTiersOnly()
    {
        string root = Path.Combine(Path.GetTempPath(), $"cfg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        try
        {
            ResolvedPolicy policy = Resolve(Request(), name => name == "INVARLOCK_CONFIG_ROOT" ? root : null);

            Assert.Equal(["shipped:tiers.yaml", "profile:dev"], policy.Sources);
            Assert.Equal(1.10, policy.MetricNumber("pm_ratio.ratio_limit_base"));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void Resolve_ConfigRootAddsUnknownTopLevelKey_RefusedNamingTheLastLayer()
    {
        string root = Path.Combine(Path.GetTempPath(), $"cfg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(root, "runtime"));
        File.WriteAllText(Path.Combine(root, "runtime", "tiers.yaml"), "balanced:\n  dataset: { provider: synthetic }\n");
        try
        {
            var error = Assert.Throws<InvarLockException>(() => Resolve(Request(), name => name == "INVARLOCK_CONFIG_ROOT" ? root : null));

            Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
            Assert.Equal("dataset: unknown policy key (from profile:dev); valid keys: guard_order, guards, metrics", error.Message);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void Resolve_EmptyEditAdjustments_NoEditLayer()
    {
        ResolvedPolicy policy = Resolve(new PolicyRequest(null, null, "noop_like", null, []) { EditAdjustments = new JsonObject() });

        Assert.Equal(["shipped:tiers.yaml", "profile:dev"], policy.Sources);
    }

    [Fact]
    public void Resolve_EditAdjustsMetrics_Applied()
    {
        ResolvedPolicy policy = Resolve(new PolicyRequest(null, null, "my_edit", null, [])
        {
            EditAdjustments = new JsonObject { ["metrics"] = new JsonObject { ["pm_ratio"] = new JsonObject { ["ratio_limit_base"] = 1.3 } } },
        });

        Assert.Equal(1.3, policy.MetricNumber("pm_ratio.ratio_limit_base"));
        Assert.Equal(50000, policy.MetricNumber("pm_ratio.min_tokens"));
        Assert.Equal("edit:my_edit", policy.Sources[^1]);
    }

    [Fact]
    public void Resolve_EditAdjustmentSectionNotAMap_RefusedNamingEditAndKey()
    {
        var error = Assert.Throws<InvarLockException>(() => Resolve(new PolicyRequest(null, null, "odd", null, [])
        {
            EditAdjustments = new JsonObject { ["guards"] = 3 },
        }));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("edit odd: its policy adjustments may only hold guards and metrics maps, not 'guards'", error.Message);
    }

    [Fact]
    public void Resolve_EmptyPresetPath_NoPresetLayer()
    {
        Assert.Equal(["shipped:tiers.yaml", "profile:dev"], Resolve(Request(preset: "")).Sources);
    }

    [Fact]
    public void Resolve_PresetMetrics_MergedIntoTier()
    {
        string path = TempFile("metrics:\n  pm_tail: { mode: fail }\n");
        try
        {
            ResolvedPolicy policy = Resolve(Request(preset: path));

            Assert.Equal("fail", policy.Metrics["pm_tail"]!["mode"]!.GetValue<string>());
            Assert.Equal(0.95, policy.MetricNumber("pm_tail.quantile"));
            Assert.Equal(Path.GetFullPath(path), policy.Sources[^1]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("guards: 3\n", "guards")]
    [InlineData("metrics: [a]\n", "metrics")]
    [InlineData("guard_order: spectral\n", "guard_order")]
    public void Resolve_PresetKeyOfWrongType_RefusedNamingFileAndKey(string yaml, string key)
    {
        string path = TempFile(yaml);
        try
        {
            var error = Assert.Throws<InvarLockException>(() => Resolve(Request(preset: path)));

            Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
            Assert.Equal($"{Path.GetFullPath(path)}: '{key}' has the wrong type", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("guard_order=spectral")]
    [InlineData("guard_order=~")]
    [InlineData("guard_order={a: 1}")]
    public void Resolve_GuardOrderNotAList_RefusedAsInvalidPolicy(string assignment)
    {
        var error = Assert.Throws<InvarLockException>(() => Resolve(Request(overrides: assignment)));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("guard_order: must be a list of guard names", error.Message);
    }

    [Theory]
    [InlineData("guard_order=[spectral, ~]")]
    [InlineData("guard_order=[spectral, 3]")]
    [InlineData("guard_order=[[spectral]]")]
    [InlineData("guard_order=[true]")]
    public void Resolve_GuardOrderEntryNotAName_RefusedAsInvalidPolicy(string assignment)
    {
        var error = Assert.Throws<InvarLockException>(() => Resolve(Request(overrides: assignment)));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("guard_order: entries must be guard names", error.Message);
    }

    [Fact]
    public void Resolve_GuardOrderOverride_ReplacesOrder()
    {
        ResolvedPolicy policy = Resolve(Request(overrides: "guard_order=[a, b, a]"));

        Assert.Equal(["a", "b", "a"], policy.GuardOrder);
        Assert.Equal("overrides", policy.Sources[^1]);
    }

    [Fact]
    public void Resolve_GuardsOverriddenByScalar_RefusedAsNotAMap()
    {
        var error = Assert.Throws<InvarLockException>(() => Resolve(Request(overrides: "guards=3")));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("guards: must be a map of guard name → settings", error.Message);
    }

    [Theory]
    [InlineData("=1.2")]
    [InlineData("metrics.pm_ratio.ratio_limit_base")]
    public void ApplyOverride_NoPathBeforeEquals_UsageShowingTheForm(string assignment)
    {
        var error = Assert.Throws<InvarLockException>(() => PolicyResolver.ApplyOverride(new JsonObject(), assignment));

        Assert.Equal(ErrorCodes.Usage, error.Code);
        Assert.Equal($"--policy '{assignment}': expected PATH=VALUE, e.g. metrics.pm_ratio.ratio_limit_base=1.2", error.Message);
    }

    [Theory]
    [InlineData("dataset.provider=x")]
    [InlineData("tier=aggressive")]
    public void ApplyOverride_PathOutsidePolicy_UsageNamingTheRoots(string assignment)
    {
        var error = Assert.Throws<InvarLockException>(() => PolicyResolver.ApplyOverride(new JsonObject(), assignment));

        Assert.Equal(ErrorCodes.Usage, error.Code);
        Assert.Equal($"--policy '{assignment}': path must start with guards., metrics. or be guard_order", error.Message);
    }

    [Fact]
    public void ApplyOverride_SpacesAroundPathAndValue_Trimmed()
    {
        var doc = new JsonObject();

        PolicyResolver.ApplyOverride(doc, "  metrics.pm_ratio.ratio_limit_base =  1.3 ");

        Assert.Equal("""{"metrics":{"pm_ratio":{"ratio_limit_base":1.3}}}""", doc.ToJsonString());
    }

    [Fact]
    public void ApplyOverride_ValueWithEquals_KeptAfterTheFirst()
    {
        var doc = new JsonObject();

        PolicyResolver.ApplyOverride(doc, "guards.g.expr='a=b'");

        Assert.Equal("a=b", doc["guards"]!["g"]!["expr"]!.GetValue<string>());
    }

    [Fact]
    public void ApplyOverride_ThroughScalar_ReplacesItWithAMap()
    {
        var doc = new JsonObject { ["guards"] = new JsonObject { ["g"] = 3, ["h"] = 1 } };

        PolicyResolver.ApplyOverride(doc, "guards.g.limit=[1, 2]");

        Assert.Equal("""{"guards":{"g":{"limit":[1,2]},"h":1}}""", doc.ToJsonString());
    }

    [Fact]
    public void ApplyOverride_NullValue_SetsNull()
    {
        var doc = new JsonObject { ["metrics"] = new JsonObject { ["kl"] = new JsonObject { ["max_mean"] = 1 } } };

        PolicyResolver.ApplyOverride(doc, "metrics.kl.max_mean=~");

        Assert.Equal("""{"metrics":{"kl":{"max_mean":null}}}""", doc.ToJsonString());
    }

    [Fact]
    public void MetricNumber_MissingOrNotNumber_KeyNotFoundNamingThePath()
    {
        ResolvedPolicy policy = Resolve(Request());

        var error = Assert.Throws<KeyNotFoundException>(() => policy.MetricNumber("pm_tail.mode"));
        Assert.Equal("policy has no number at metrics.pm_tail.mode", error.Message);
        Assert.Throws<KeyNotFoundException>(() => policy.MetricNumber("nothing.here"));
    }

    [Fact]
    public void GuardSection_AbsentGuard_EmptyObject()
    {
        ResolvedPolicy policy = Resolve(Request(overrides: "guards.mine.limit=2"));

        Assert.Equal("{}", policy.GuardSection("absent").GetRawText());
        Assert.Equal(2, policy.GuardSection("mine").GetProperty("limit").GetInt32());
        Assert.Equal(["mine"], policy.AddedGuardSections);
    }

    [Fact]
    public void Format_Number_RoundTripInvariant()
    {
        Assert.Equal("0.1", PolicyResolver.Format(0.1));
        Assert.Equal("1000000000000", PolicyResolver.Format(1e12));
        Assert.Equal("-2.5", PolicyResolver.Format(-2.5));
    }
}
