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

    public static void Validate(JsonObject doc)
    {
        JsonObject metrics = doc["metrics"] as JsonObject
            ?? throw new InvarLockException(ErrorCodes.InvalidPolicy, "metrics: missing from the resolved policy");
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
        string? mode = (metrics["pm_tail"] as JsonObject)?["mode"]?.GetValue<string>();
        if (mode is not ("warn" or "fail" or "off"))
        {
            throw new InvarLockException(ErrorCodes.InvalidPolicy, $"metrics.pm_tail.mode: '{mode}' must be one of warn, fail, off");
        }
    }
}
