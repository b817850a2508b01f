using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Guards.Policy;
using InvarLock.Guards.Rmt;
using InvarLock.Guards.Spectral;
using InvarLock.Guards.Tests.TestSupport;
using InvarLock.Guards.Variance;
using InvarLock.Sdk;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Plugins;
using Moq;

namespace InvarLock.Guards.Tests.Policy;

/// <summary>The guards ship their own policy: per-tier defaults equal to the effective tier policy, profile adjustments,
/// gate ids, finding → policy key, and the default chain.</summary>
public sealed class GuardPolicyDataTests
{
    private static string Parsed(string guard, JsonElement section)
    {
        var reader = new PolicyReader("guards." + guard, section);
        return guard switch
        {
            "spectral" => SpectralOptions.Read(reader).ToJson().ToJsonString(),
            "rmt" => RmtOptions.Read(reader).ToJson().ToJsonString(),
            "variance" => VarianceOptions.Read(reader).ToJson().ToJsonString(),
            _ => throw new ArgumentException(guard),
        };
    }

    private static JsonElement Element(JsonObject o) => JsonSerializer.SerializeToElement(o);

    [Theory]
    [InlineData("spectral", "balanced")]
    [InlineData("spectral", "conservative")]
    [InlineData("spectral", "aggressive")]
    [InlineData("rmt", "balanced")]
    [InlineData("rmt", "conservative")]
    [InlineData("rmt", "aggressive")]
    [InlineData("variance", "balanced")]
    [InlineData("variance", "conservative")]
    [InlineData("variance", "aggressive")]
    public void Section_DevProfile_ParsesLikeTheEffectiveTierPolicy(string guard, string tier)
    {
        Assert.Equal(Parsed(guard, GuardHarness.TierPolicy(guard, tier)), Parsed(guard, Element(GuardPolicyData.Section(guard, tier, "dev"))));
    }

    [Fact]
    public void Section_BalancedDev_OptionsDefaultsMatchTheShippedNumbers()
    {
        // Missing keys fall back to the Balanced options, which therefore equal the shipped balanced section.
        Assert.Equal(RmtOptions.Balanced.ToJson().ToJsonString(), Parsed("rmt", Element(GuardPolicyData.Section("rmt", "balanced", "dev"))));
        Assert.Equal(SpectralOptions.Balanced.ToJson().ToJsonString(),
            Parsed("spectral", Element(GuardPolicyData.Section("spectral", "balanced", "dev"))));
    }

    [Theory]
    [InlineData("dev", false, 200)]
    [InlineData("ci_cpu", false, 200)]
    [InlineData("ci", true, 200)]
    [InlineData("release", true, 320)]
    public void Section_Profile_AppliesProfileAdjustments(string profile, bool activationRequired, int maxCalib)
    {
        JsonObject rmt = GuardPolicyData.Section("rmt", "balanced", profile);
        Assert.Equal(activationRequired, rmt["activation_required"]?.GetValue<bool>() ?? false);
        Assert.Equal(activationRequired, rmt.ContainsKey("activation_required"));
        Assert.Equal(maxCalib, GuardPolicyData.Section("variance", "balanced", profile)["max_calib"]!.GetValue<long>());
    }

    [Fact]
    public void Section_Numbers_AreTypedSoTheyPrintCanonically()
    {
        JsonObject spectral = GuardPolicyData.Section("spectral", "balanced", "dev");
        Assert.Equal("0.1", spectral["deadband"]!.ToJsonString());
        Assert.Equal("0", spectral["family_caps"]!["other"]!["kappa"]!.ToJsonString());
        Assert.Equal("5", spectral["max_caps"]!.ToJsonString());
        Assert.Null(spectral["max_spectral_norm"]);
        Assert.Empty(GuardPolicyData.Section("spectral", "no_such_tier", "dev"));
    }

    [Theory]
    [InlineData("spectral", "family_z_cap", "attn.m", "family_caps.<family>.kappa")]
    [InlineData("spectral", "max_spectral_norm", null, "max_spectral_norm")]
    [InlineData("rmt", "epsilon_band", "ffn", "epsilon_by_family.ffn")]
    [InlineData("rmt", "activation_required", null, "activation_required")]
    [InlineData("variance", "variance_calibration", null, "calibration.min_coverage")]
    [InlineData("invariants", "non_finite", null, null)]
    public void PolicyKeyFor_KnownCodes_NameTheirKey(string guard, string code, string? module, string? expected)
    {
        IGuardPolicyProvider provider = guard switch
        {
            "spectral" => GuardPolicies.Spectral,
            "rmt" => GuardPolicies.Rmt,
            "variance" => GuardPolicies.Variance,
            _ => GuardPolicies.Invariants,
        };
        Assert.Equal(expected, provider.PolicyKeyFor(new GuardViolation(code, "m", module), null));
    }

    [Fact]
    public void Register_GuardsModule_ShipsPolicyWithEachGuardAndDeclaresTheChain()
    {
        var providers = new Dictionary<string, IGuardPolicyProvider>();
        IReadOnlyList<string>? chain = null;
        var registrar = new Mock<IPluginRegistrar>(MockBehavior.Strict);
        registrar.Setup(r => r.AddGuard(It.IsAny<PluginDescriptor>(), It.IsAny<Func<IGuard>>(), It.IsAny<IGuardPolicyProvider>()))
            .Callback<PluginDescriptor, Func<IGuard>, IGuardPolicyProvider>((d, _, p) => providers[d.Name] = p);
        registrar.Setup(r => r.DeclareDefaultGuardChain(It.IsAny<IReadOnlyList<string>>())).Callback<IReadOnlyList<string>>(c => chain = c);

        new GuardsPluginModule().Register(registrar.Object);

        Assert.Equal(["invariants", "spectral", "rmt", "variance", "invariants"], chain);
        Assert.Equal(
            ["invariants:invariants_pass", "rmt:rmt_stable", "spectral:spectral_stable", "variance:variance_stable"],
            providers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value.GateId}"));
    }
}
