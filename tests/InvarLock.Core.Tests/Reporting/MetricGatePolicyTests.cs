using System.Text.Json.Nodes;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Statistics;
using InvarLock.Numerics;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Reporting;

/// <summary>How <see cref="MetricGatePolicy.FromPolicyDocument"/> reads, defaults and sanitises the gate numbers.</summary>
public sealed class MetricGatePolicyTests
{
    /// <summary>A policy document with only the two required numbers plus <paramref name="extraMetrics"/>.</summary>
    private static JsonObject Document(string? tier = "balanced", string? profile = "dev", string extraMetrics = "{}")
    {
        var metrics = (JsonObject)JsonNode.Parse(extraMetrics)!;
        var ratio = metrics["pm_ratio"] as JsonObject ?? new JsonObject();
        metrics["pm_ratio"] = ratio;
        ratio["ratio_limit_base"] ??= 1.1;
        ratio["min_tokens"] ??= 1000;
        var doc = new JsonObject { ["metrics"] = metrics };
        if (tier is not null)
        {
            doc["tier"] = tier;
        }
        if (profile is not null)
        {
            doc["profile"] = profile;
        }
        return doc;
    }

    private static MetricGatePolicy Read(string extraMetrics = "{}", string? tier = "balanced", string? profile = "dev") =>
        MetricGatePolicy.FromPolicyDocument(Document(tier, profile, extraMetrics));

    [Fact]
    public void FromPolicyDocument_OnlyRequiredNumbers_Defaults()
    {
        MetricGatePolicy p = Read();

        Assert.Equal("balanced", p.Tier);
        Assert.Equal("dev", p.Profile);
        Assert.False(p.Strict);
        Assert.Equal(1.1, p.RatioLimitBase);
        Assert.Equal(0.0, p.HysteresisRatio);
        Assert.Null(p.AcceptanceMin);
        Assert.Null(p.AcceptanceMax);
        Assert.Null(p.TargetRatio);
        Assert.Equal(1000, p.MinTokens);
        Assert.Equal(0.0, p.MinTokenFraction);
        Assert.Equal(0.02, p.MinTokensTolerance);
        Assert.Equal(new TailPolicy("warn", 1, 0.95, null, 1e-4, null), p.Tail);
        Assert.Equal(0.95, p.DriftMin);
        Assert.Equal(1.05, p.DriftMax);
        Assert.Equal((180, 180, 1200), (p.CoveragePreviewFloor, p.CoverageFinalFloor, p.CoverageReplicatesFloor));
        Assert.Equal(1000, p.BootstrapReplicates);
        Assert.Equal(0.05, p.Alpha);
        Assert.Equal(0.01, p.GuardOverheadThreshold);
        Assert.Equal(0.03, p.ConfidenceWidthMax);
        Assert.Null(p.KlMaxMean);
        Assert.Null(p.Top1MinAgreement);
    }

    [Fact]
    public void FromPolicyDocument_NoTierOrProfile_BalancedDev()
    {
        MetricGatePolicy p = Read(tier: null, profile: null);

        Assert.Equal("balanced", p.Tier);
        Assert.Equal("dev", p.Profile);
    }

    [Theory]
    [InlineData("conservative", 220, 1500)]
    [InlineData("aggressive", 140, 800)]
    [InlineData("balanced", 180, 1200)]
    [InlineData("custom", 180, 1200)]
    public void FromPolicyDocument_Tier_CoverageFloors(string tier, int windows, int replicates)
    {
        MetricGatePolicy p = Read(tier: tier);

        Assert.Equal(tier, p.Tier);
        Assert.Equal((windows, windows, replicates), (p.CoveragePreviewFloor, p.CoverageFinalFloor, p.CoverageReplicatesFloor));
    }

    [Theory]
    [InlineData("ci", true, 1200)]
    [InlineData("release", true, 3200)]
    [InlineData("ci_cpu", false, 1000)]
    public void FromPolicyDocument_Profile_StrictnessAndReplicates(string profile, bool strict, int replicates)
    {
        MetricGatePolicy p = Read(profile: profile);

        Assert.Equal(profile, p.Profile);
        Assert.Equal(strict, p.Strict);
        Assert.Equal(replicates, p.BootstrapReplicates);
    }

    [Fact]
    public void FromPolicyDocument_EveryNumberSet_Read()
    {
        MetricGatePolicy p = Read("""
            {"pm_ratio":{"ratio_limit_base":1.2,"min_tokens":5000,"hysteresis_ratio":0.01,"min_token_fraction":0.2,"min_tokens_tolerance":0.05},
             "pm_tail":{"mode":"fail","min_windows":7,"quantile":0.9,"quantile_max":0.3,"epsilon":0.001,"mass_max":0.4},
             "pm_acceptance_range":{"min":0.9,"max":1.15},"pm_drift_band":{"min":0.9,"max":1.1},"target_pm_ratio":1.12,
             "guard_overhead":{"threshold":0.05},"confidence":{"ppl_ratio_width_max":0.07},"kl":{"max_mean":0.2},"top1":{"min_agreement":0.8}}
            """);

        Assert.Equal(1.2, p.RatioLimitBase);
        Assert.Equal(5000, p.MinTokens);
        Assert.Equal(0.01, p.HysteresisRatio);
        Assert.Equal(0.2, p.MinTokenFraction);
        Assert.Equal(0.05, p.MinTokensTolerance);
        Assert.Equal(new TailPolicy("fail", 7, 0.9, 0.3, 0.001, 0.4), p.Tail);
        Assert.Equal(0.9, p.AcceptanceMin);
        Assert.Equal(1.15, p.AcceptanceMax);
        Assert.Equal(0.9, p.DriftMin);
        Assert.Equal(1.1, p.DriftMax);
        Assert.Equal(1.12, p.TargetRatio);
        Assert.Equal(0.05, p.GuardOverheadThreshold);
        Assert.Equal(0.07, p.ConfidenceWidthMax);
        Assert.Equal(0.2, p.KlMaxMean);
        Assert.Equal(0.8, p.Top1MinAgreement);
        Assert.Equal(1.12, p.RatioLimit);
        Assert.Equal(1.13, p.RatioLimitWithHysteresis, 1e-12);
    }

    [Theory]
    [InlineData(0.0, 1.05)]
    [InlineData(-0.5, 1.05)]
    [InlineData(1.05, 1.05)]
    [InlineData(1.1, 1.0)]
    [InlineData(0.9, double.PositiveInfinity)]
    public void FromPolicyDocument_DriftBandNotPositiveOrdered_Default(double min, double max)
    {
        JsonObject doc = Document();
        doc["metrics"]!["pm_drift_band"] = new JsonObject { ["min"] = min, ["max"] = max };
        MetricGatePolicy p = MetricGatePolicy.FromPolicyDocument(doc);

        Assert.Equal(0.95, p.DriftMin);
        Assert.Equal(1.05, p.DriftMax);
    }

    [Fact]
    public void FromPolicyDocument_DriftBandJustOrdered_Kept()
    {
        MetricGatePolicy p = Read("""{"pm_drift_band":{"min":0.001,"max":0.0011}}""");

        Assert.Equal(0.001, p.DriftMin);
        Assert.Equal(0.0011, p.DriftMax);
    }

    [Fact]
    public void FromPolicyDocument_AcceptanceMaxBelowMin_RaisedToMin()
    {
        MetricGatePolicy p = Read("""{"pm_acceptance_range":{"min":1.0,"max":0.9}}""");

        Assert.Equal(1.0, p.AcceptanceMin);
        Assert.Equal(1.0, p.AcceptanceMax);
    }

    [Fact]
    public void FromPolicyDocument_AcceptanceMaxEqualsMin_Kept()
    {
        MetricGatePolicy p = Read("""{"pm_acceptance_range":{"min":1.0,"max":1.0}}""");

        Assert.Equal(1.0, p.AcceptanceMax);
    }

    [Fact]
    public void FromPolicyDocument_AcceptanceMaxOnly_ReplacesBaseLimit()
    {
        MetricGatePolicy p = Read("""{"pm_acceptance_range":{"max":1.3}}""");

        Assert.Null(p.AcceptanceMin);
        Assert.Equal(1.3, p.AcceptanceMax);
        Assert.Equal(1.3, p.RatioLimit);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public void FromPolicyDocument_NonPositiveOptionalLimits_Unset(string value)
    {
        MetricGatePolicy p = Read("{\"pm_acceptance_range\":{\"min\":" + value + ",\"max\":" + value + "},\"target_pm_ratio\":" + value + "}");

        Assert.Null(p.AcceptanceMin);
        Assert.Null(p.AcceptanceMax);
        Assert.Null(p.TargetRatio);
        Assert.Equal(1.1, p.RatioLimit);
    }

    [Fact]
    public void FromPolicyDocument_ZeroSecondaryLimits_Kept()
    {
        MetricGatePolicy p = Read("""{"kl":{"max_mean":0},"top1":{"min_agreement":0}}""");

        Assert.Equal(0.0, p.KlMaxMean);
        Assert.Equal(0.0, p.Top1MinAgreement);
    }

    [Fact]
    public void FromPolicyDocument_NegativeSecondaryLimits_Unset()
    {
        MetricGatePolicy p = Read("""{"kl":{"max_mean":-0.1},"top1":{"min_agreement":-1}}""");

        Assert.Null(p.KlMaxMean);
        Assert.Null(p.Top1MinAgreement);
    }

    [Fact]
    public void FromPolicyDocument_NonFiniteOptionalLimits_Unset()
    {
        JsonObject doc = Document();
        JsonObject m = doc["metrics"]!.AsObject();
        m["kl"] = new JsonObject { ["max_mean"] = double.PositiveInfinity };
        m["top1"] = new JsonObject { ["min_agreement"] = double.PositiveInfinity };
        m["target_pm_ratio"] = double.PositiveInfinity;
        m["pm_acceptance_range"] = new JsonObject { ["min"] = double.PositiveInfinity };

        MetricGatePolicy p = MetricGatePolicy.FromPolicyDocument(doc);

        Assert.Null(p.KlMaxMean);
        Assert.Null(p.Top1MinAgreement);
        Assert.Null(p.TargetRatio);
        Assert.Null(p.AcceptanceMin);
    }

    [Fact]
    public void FromPolicyDocument_NegativeHysteresisAndOverhead_ClampedToZero()
    {
        MetricGatePolicy p = Read("""{"pm_ratio":{"hysteresis_ratio":-0.1},"guard_overhead":{"threshold":-0.5}}""");

        Assert.Equal(0.0, p.HysteresisRatio);
        Assert.Equal(0.0, p.GuardOverheadThreshold);
        Assert.Equal(1.1, p.RatioLimitWithHysteresis);
    }

    [Fact]
    public void FromPolicyDocument_TailModeNotString_WarnAndSanitized()
    {
        MetricGatePolicy p = Read("""{"pm_tail":{"mode":3,"min_windows":0,"quantile":1.5,"epsilon":-1,"mass_max":2}}""");

        Assert.Equal(new TailPolicy("warn", 1, 1.0, null, 0.0, 1.0), p.Tail);
    }

    [Fact]
    public void FromPolicyDocument_TailModeOff_Kept()
    {
        Assert.Equal("off", Read("""{"pm_tail":{"mode":"off"}}""").Tail.Mode);
    }

    [Theory]
    [InlineData("ratio_limit_base")]
    [InlineData("min_tokens")]
    public void FromPolicyDocument_RequiredNumberMissing_InvalidPolicyNamingIt(string key)
    {
        JsonObject doc = Document();
        doc["metrics"]!["pm_ratio"]!.AsObject().Remove(key);

        var error = Assert.Throws<InvarLockException>(() => MetricGatePolicy.FromPolicyDocument(doc));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal($"policy: metrics.pm_ratio.{key} is missing or not a number", error.Message);
    }

    [Fact]
    public void FromPolicyDocument_RequiredNumberNotANumber_InvalidPolicy()
    {
        JsonObject doc = Document();
        doc["metrics"]!["pm_ratio"]!["ratio_limit_base"] = "1.1";

        var error = Assert.Throws<InvarLockException>(() => MetricGatePolicy.FromPolicyDocument(doc));

        Assert.Equal("policy: metrics.pm_ratio.ratio_limit_base is missing or not a number", error.Message);
    }

    [Fact]
    public void FromPolicyDocument_NoMetrics_InvalidPolicy()
    {
        var error = Assert.Throws<InvarLockException>(() => MetricGatePolicy.FromPolicyDocument(new JsonObject { ["tier"] = "balanced" }));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("policy: the resolved policy has no metrics section", error.Message);
    }

    [Fact]
    public void FromPolicyDocument_Null_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => MetricGatePolicy.FromPolicyDocument(null!));
    }

    [Fact]
    public void RatioLimit_TargetAboveLimit_LimitKept()
    {
        MetricGatePolicy p = Read("""{"target_pm_ratio":1.5}""");

        Assert.Equal(1.1, p.RatioLimit);
    }

    [Fact]
    public void BootstrapFor_Seed_OffsetAndProfileSettings()
    {
        BootstrapSettings s = Read(profile: "ci").BootstrapFor(7);

        Assert.Equal(new BootstrapSettings(BootstrapMethod.Bca, 1200, 0.05, 7 + BootstrapSettings.PairedDeltaSeedOffset), s);
    }
}
