using System.Text.Json.Nodes;
using InvarLock.Core.Plugins;
using InvarLock.Core.Policy;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Policy;

/// <summary>The metric gate numbers' ranges (inclusive at both ends), the optional gates, the tail mode and the key list,
/// through <see cref="PolicyResolver"/> overrides (the path a user takes) and directly.</summary>
public sealed class MetricPolicyValidatorTests
{
    private static ResolvedPolicy Resolve(params string[] overrides) =>
        PolicyResolver.Resolve(new PolicyRequest(null, null, null, null, overrides), GuardPolicyCatalog.Empty, _ => null);

    private static InvarLockException Refused(params string[] overrides)
    {
        var error = Assert.Throws<InvarLockException>(() => Resolve(overrides));
        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        return error;
    }

    [Theory]
    [InlineData("pm_ratio.ratio_limit_base", "1.0")]
    [InlineData("pm_ratio.ratio_limit_base", "10")]
    [InlineData("pm_ratio.hysteresis_ratio", "0")]
    [InlineData("pm_ratio.hysteresis_ratio", "0.5")]
    [InlineData("pm_tail.quantile", "1")]
    [InlineData("pm_tail.mass_max", "0")]
    public void Validate_ValueAtRangeEnd_Accepted(string path, string value)
    {
        ResolvedPolicy policy = Resolve($"metrics.{path}={value}");

        Assert.Equal(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), policy.MetricNumber(path));
    }

    [Theory]
    [InlineData("pm_ratio.ratio_limit_base", "0.999", "1", "10")]
    [InlineData("pm_ratio.ratio_limit_base", "10.001", "1", "10")]
    [InlineData("pm_ratio.hysteresis_ratio", "-0.001", "0", "0.5")]
    [InlineData("pm_ratio.hysteresis_ratio", "0.501", "0", "0.5")]
    [InlineData("pm_ratio.min_tokens", "-1", "0", "1000000000000")]
    [InlineData("pm_ratio.min_token_fraction", "1.01", "0", "1")]
    [InlineData("pm_tail.min_windows", "-1", "0", "1000000000")]
    [InlineData("pm_tail.quantile_max", "10.5", "0", "10")]
    [InlineData("pm_tail.epsilon", "1.5", "0", "1")]
    [InlineData("pm_tail.mass_max", "-0.1", "0", "1")]
    public void Validate_ValueOutsideRange_RefusedNamingPathAndRange(string path, string value, string min, string max)
    {
        var error = Refused($"metrics.{path}={value}");

        Assert.Equal($"metrics.{path}: {value} is outside [{min}, {max}]", error.Message);
    }

    [Theory]
    [InlineData("NaN", "\"NaN\"")]
    [InlineData("abc", "\"abc\"")]
    [InlineData("true", "true")]
    [InlineData("[1]", "[1]")]
    public void Validate_NotANumber_Refused(string value, string shown)
    {
        var error = Refused($"metrics.pm_tail.quantile={value}");

        Assert.Equal($"metrics.pm_tail.quantile: {shown} is outside [0, 1]", error.Message);
    }

    [Fact]
    public void Validate_RequiredValueRemoved_RefusedAsMissing()
    {
        var error = Refused("metrics.pm_tail.epsilon=~");

        Assert.Equal("metrics.pm_tail.epsilon: missing", error.Message);
    }

    [Fact]
    public void Validate_RequiredSectionReplacedByScalar_RefusedAsMissing()
    {
        var error = Refused("metrics.pm_ratio=3");

        Assert.Equal("metrics.pm_ratio.ratio_limit_base: missing", error.Message);
    }

    [Theory]
    [InlineData("kl.max_mean", "0")]
    [InlineData("kl.max_mean", "1000000")]
    [InlineData("top1.min_agreement", "0")]
    [InlineData("top1.min_agreement", "1")]
    public void Validate_OptionalGateAtRangeEnd_Accepted(string path, string value)
    {
        Assert.Equal(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), Resolve($"metrics.{path}={value}").MetricNumber(path));
    }

    [Theory]
    [InlineData("kl.max_mean", "-0.5", "-0.5", "0", "1000000")]
    [InlineData("kl.max_mean", "2000000", "2000000", "0", "1000000")]
    [InlineData("top1.min_agreement", "1.5", "1.5", "0", "1")]
    [InlineData("top1.min_agreement", "-1", "-1", "0", "1")]
    [InlineData("top1.min_agreement", "NaN", "\"NaN\"", "0", "1")]
    [InlineData("top1.min_agreement", "high", "\"high\"", "0", "1")]
    public void Validate_OptionalGateOutOfRange_Refused(string path, string value, string shown, string min, string max)
    {
        var error = Refused($"metrics.{path}={value}");

        Assert.Equal($"metrics.{path}: {shown} is outside [{min}, {max}]", error.Message);
    }

    [Fact]
    public void Validate_OptionalGatesAbsent_Accepted()
    {
        ResolvedPolicy policy = Resolve();

        Assert.False(policy.Metrics.ContainsKey("kl"));
        Assert.False(policy.Metrics.ContainsKey("top1"));
    }

    [Theory]
    [InlineData("warn")]
    [InlineData("fail")]
    [InlineData("off")]
    public void Validate_KnownTailMode_Accepted(string mode)
    {
        Assert.Equal(mode, Resolve($"metrics.pm_tail.mode={mode}").Metrics["pm_tail"]!["mode"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("loud", "'loud'")]
    [InlineData("WARN", "'WARN'")]
    [InlineData("~", "''")]
    public void Validate_UnknownTailMode_Refused(string mode, string shown)
    {
        var error = Refused($"metrics.pm_tail.mode={mode}");

        Assert.Equal($"metrics.pm_tail.mode: {shown} must be one of warn, fail, off", error.Message);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("true")]
    [InlineData("[warn]")]
    public void Validate_TailModeNotAString_RefusedWithOneLine(string mode)
    {
        var error = Refused($"metrics.pm_tail.mode={mode}");

        Assert.StartsWith("metrics.pm_tail.mode: ", error.Message);
        Assert.EndsWith("must be one of warn, fail, off", error.Message);
    }

    [Theory]
    [InlineData("pm_ratio.hysteresis_ratio=0.01")]
    [InlineData("pm_ratio.min_token_fraction=0.5")]
    [InlineData("pm_ratio.min_tokens=10")]
    [InlineData("pm_ratio.min_tokens_tolerance=5")]
    [InlineData("pm_ratio.ratio_limit_base=1.5")]
    [InlineData("pm_tail.epsilon=0.01")]
    [InlineData("pm_tail.mass_max=0.5")]
    [InlineData("pm_tail.min_windows=10")]
    [InlineData("pm_tail.mode=fail")]
    [InlineData("pm_tail.quantile=0.9")]
    [InlineData("pm_tail.quantile_max=0.5")]
    [InlineData("accuracy.delta_min_pp=-3")]
    [InlineData("accuracy.hysteresis_delta_pp=0.2")]
    [InlineData("accuracy.min_examples=10")]
    [InlineData("accuracy.min_examples_fraction=0.1")]
    [InlineData("pm_acceptance_range.max=1.1")]
    [InlineData("pm_acceptance_range.min=0.9")]
    [InlineData("pm_drift_band.max=1.05")]
    [InlineData("pm_drift_band.min=0.95")]
    [InlineData("guard_overhead.threshold=0.01")]
    [InlineData("confidence.ppl_ratio_width_max=0.1")]
    [InlineData("target_pm_ratio=1.1")]
    [InlineData("kl.max_mean=0.5")]
    [InlineData("top1.min_agreement=0.9")]
    public void Validate_EveryDocumentedKey_Accepted(string assignment)
    {
        ResolvedPolicy policy = Resolve($"metrics.{assignment}");

        string path = assignment[..assignment.IndexOf('=', StringComparison.Ordinal)];
        string[] parts = path.Split('.');
        JsonNode? node = policy.Metrics[parts[0]];
        Assert.NotNull(parts.Length == 1 ? node : node![parts[1]]);
    }

    [Fact]
    public void Validate_ScalarSectionWithKeyList_Accepted()
    {
        // A section with a key list replaced by a scalar has no keys to check (and no range for an optional gate).
        Assert.Equal(3, Resolve("metrics.kl=3").Metrics["kl"]!.GetValue<long>());
    }

    [Fact]
    public void Validate_UnknownKeyInSection_RefusedListingTheSectionKeys()
    {
        var error = Refused("metrics.top1.min=0.5");

        Assert.Equal("metrics.top1.min: unknown key; valid keys under metrics.top1: min_agreement", error.Message);
    }

    [Fact]
    public void Validate_UnknownSection_RefusedListingAllSections()
    {
        var error = Refused("metrics.kl_div.max_mean=0.5");

        Assert.Equal("metrics.kl_div: unknown key; valid keys under metrics: accuracy, confidence, guard_overhead, kl, "
            + "pm_acceptance_range, pm_drift_band, pm_ratio, pm_tail, target_pm_ratio, top1", error.Message);
    }

    [Fact]
    public void Validate_NoMetricsSection_Refused()
    {
        var error = Assert.Throws<InvarLockException>(() => MetricPolicyValidator.Validate(new JsonObject { ["guards"] = new JsonObject() }));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.Equal("metrics: missing from the resolved policy", error.Message);
    }
}
