using System.Text.Json.Nodes;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Policy;

/// <summary>Checks the metric gate numbers of a resolved policy; a bad value is an error naming its key path and range.</summary>
internal static class MetricPolicyValidator
{
    private static readonly (string Path, double Min, double Max)[] Ranges =
    [
        ("pm_ratio.ratio_limit_base", 1.0, 10.0),
        ("pm_ratio.min_tokens", 0, 1e12),
        ("pm_ratio.hysteresis_ratio", 0, 0.5),
        ("pm_ratio.min_token_fraction", 0, 1),
        ("pm_tail.min_windows", 0, 1e9),
        ("pm_tail.quantile", 0, 1),
        ("pm_tail.quantile_max", 0, 10),
        ("pm_tail.epsilon", 0, 1),
        ("pm_tail.mass_max", 0, 1),
    ];

    /// <summary>Every key the metric policy has: section → its keys (a null set means a scalar, not a section).</summary>
    private static readonly SortedDictionary<string, string[]?> Keys = new(StringComparer.Ordinal)
    {
        ["pm_ratio"] = ["hysteresis_ratio", "min_token_fraction", "min_tokens", "min_tokens_tolerance", "ratio_limit_base"],
        ["pm_tail"] = ["epsilon", "mass_max", "min_windows", "mode", "quantile", "quantile_max"],
        ["accuracy"] = ["delta_min_pp", "hysteresis_delta_pp", "min_examples", "min_examples_fraction"],
        ["pm_acceptance_range"] = ["max", "min"],
        ["pm_drift_band"] = ["max", "min"],
        ["guard_overhead"] = ["threshold"],
        ["confidence"] = ["ppl_ratio_width_max"],
        ["target_pm_ratio"] = null,
        ["kl"] = ["max_mean"],
        ["top1"] = ["min_agreement"],
    };

    /// <summary>Keys that may be absent (no gate), with the range a present value must lie in.</summary>
    private static readonly (string Path, double Min, double Max)[] OptionalRanges =
    [
        ("kl.max_mean", 0, 1e6),
        ("top1.min_agreement", 0, 1),
    ];

    public static void Validate(JsonObject doc)
    {
        JsonObject metrics = doc["metrics"] as JsonObject
            ?? throw new InvarLockException(ErrorCodes.InvalidPolicy, "metrics: missing from the resolved policy");
        RejectUnknownKeys(metrics);
        foreach (var (path, min, max) in Ranges)
        {
            JsonNode? node = metrics;
            foreach (string part in path.Split('.'))
            {
                node = (node as JsonObject)?[part];
            }
            if (node is null)
            {
                throw new InvarLockException(ErrorCodes.InvalidPolicy, $"metrics.{path}: missing");
            }
            if (!JsonNumbers.TryGetDouble(node, out double d) || double.IsNaN(d) || d < min || d > max)
            {
                throw new InvarLockException(ErrorCodes.InvalidPolicy,
                    $"metrics.{path}: {node.ToJsonString()} is outside [{PolicyResolver.Format(min)}, {PolicyResolver.Format(max)}]");
            }
        }
        foreach (var (path, min, max) in OptionalRanges)
        {
            string[] parts = path.Split('.');
            JsonNode? node = (metrics[parts[0]] as JsonObject)?[parts[1]];
            if (node is not null && (!JsonNumbers.TryGetDouble(node, out double d) || double.IsNaN(d) || d < min || d > max))
            {
                throw new InvarLockException(ErrorCodes.InvalidPolicy,
                    $"metrics.{path}: {node.ToJsonString()} is outside [{PolicyResolver.Format(min)}, {PolicyResolver.Format(max)}]");
            }
        }
        JsonNode? modeNode = (metrics["pm_tail"] as JsonObject)?["mode"];
        string? mode = modeNode is JsonValue modeValue && modeValue.TryGetValue(out string? text) ? text : null;
        if (mode is not ("warn" or "fail" or "off"))
        {
            // A number, boolean or list is shown as JSON (a string or a missing mode in quotes).
            string shown = mode is null && modeNode is not null ? modeNode.ToJsonString() : $"'{mode}'";
            throw new InvarLockException(ErrorCodes.InvalidPolicy, $"metrics.pm_tail.mode: {shown} must be one of warn, fail, off");
        }
    }

    /// <summary>A misspelt or invented metric key is an error listing the valid keys at its level.</summary>
    private static void RejectUnknownKeys(JsonObject metrics)
    {
        foreach (var (section, value) in metrics)
        {
            if (!Keys.TryGetValue(section, out string[]? keys))
            {
                throw new InvarLockException(ErrorCodes.InvalidPolicy,
                    $"metrics.{section}: unknown key; valid keys under metrics: {string.Join(", ", Keys.Keys)}");
            }
            if (keys is null || value is not JsonObject inner)
            {
                continue;
            }
            foreach (var (key, _) in inner)
            {
                if (Array.IndexOf(keys, key) < 0)
                {
                    throw new InvarLockException(ErrorCodes.InvalidPolicy,
                        $"metrics.{section}.{key}: unknown key; valid keys under metrics.{section}: {string.Join(", ", keys)}");
                }
            }
        }
    }
}
