using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core.Reporting.Html;

/// <summary>Finds the resolved-policy line behind a gate or a guard finding, and its value in the report's resolved
/// policy (<see cref="PolicySection.Resolved"/>), so a reader sees which number decided.</summary>
public static partial class PolicyLines
{
    /// <summary>Longest compact JSON shown for a policy value; bigger sections are summarised.</summary>
    private const int MaxValueLength = 120;

    /// <summary>The policy line of one guard finding: a known finding code maps to the key that holds its threshold
    /// (e.g. <c>family_z_cap</c> → <c>guards.spectral.family_caps.&lt;family&gt;.kappa</c>); anything else to the guard's section.</summary>
    public static string ForViolation(GuardSection guard, GuardViolationSection violation)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(violation);
        string section = "guards." + guard.Name;
        return (guard.Name, violation.Code) switch
        {
            ("spectral", "family_z_cap") => $"{section}.family_caps.{SpectralFamily(guard, violation) ?? "<family>"}.kappa",
            ("spectral", "max_spectral_norm") => section + ".max_spectral_norm",
            ("spectral", "degeneracy_stable_rank_drop" or "degeneracy_norm_collapse") => section + ".degeneracy",
            ("rmt", "epsilon_band") => $"{section}.epsilon_by_family.{violation.Module ?? "<family>"}",
            ("rmt", "activation_required") => section + ".activation_required",
            ("variance", "variance_calibration") => section + ".calibration.min_coverage",
            _ => section,
        };
    }

    /// <summary>The dotted policy paths (<c>metrics.…</c>, <c>guards.…</c>) named in a gate's policy source text.</summary>
    public static IReadOnlyList<string> PathsIn(string policySource)
    {
        ArgumentNullException.ThrowIfNull(policySource);
        var paths = new List<string>();
        foreach (Match m in PolicyPath().Matches(policySource))
        {
            if (!paths.Contains(m.Value))
            {
                paths.Add(m.Value);
            }
        }

        return paths;
    }

    /// <summary>The value at a dotted <paramref name="path"/> of the resolved policy as compact JSON, <c>(not set)</c> when
    /// absent, or a short summary of a large section.</summary>
    public static string ValueAt(JsonObject resolved, string path)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(path);
        JsonNode? node = resolved;
        foreach (string part in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(part, out node))
            {
                return "(not set)";
            }
        }

        if (node is null)
        {
            return "null";
        }

        string text = node.ToJsonString(CompactOptions);
        return text.Length <= MaxValueLength ? text
            : node is JsonObject o ? $"{{section with {o.Count} keys}}"
            : node is JsonArray a ? $"[{a.Count} items]"
            : text[..MaxValueLength] + "…";
    }

    private static readonly JsonSerializerOptions CompactOptions = new() { WriteIndented = false };

    /// <summary>The spectral family of the finding's module, from the guard's details (findings carry module and family).</summary>
    private static string? SpectralFamily(GuardSection guard, GuardViolationSection violation)
    {
        if (violation.Module is null || guard.Details is null)
        {
            return null;
        }

        return FindFamily(guard.Details, violation.Module, violation.Code, depth: 0);
    }

    private static string? FindFamily(JsonNode? node, string module, string code, int depth)
    {
        if (depth > 8 || node is null)
        {
            return null;
        }

        if (node is JsonObject obj)
        {
            if (obj["module"] is JsonValue m && m.TryGetValue(out string? mod) && mod == module
                && obj["family"] is JsonValue f && f.TryGetValue(out string? family)
                && (obj["type"] is not JsonValue t || !t.TryGetValue(out string? type) || type == code))
            {
                return family;
            }

            foreach (KeyValuePair<string, JsonNode?> child in obj)
            {
                if (FindFamily(child.Value, module, code, depth + 1) is string found)
                {
                    return found;
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (JsonNode? item in array)
            {
                if (FindFamily(item, module, code, depth + 1) is string found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"\b(?:metrics|guards)(?:\.[A-Za-z0-9_]+)+")]
    private static partial Regex PolicyPath();
}
