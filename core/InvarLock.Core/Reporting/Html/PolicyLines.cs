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

    /// <summary>The policy line of one guard finding: the key the guard's <see cref="Sdk.Guards.IGuardPolicyProvider"/>
    /// names for it (e.g. a spectral family cap → <c>guards.spectral.family_caps.&lt;family&gt;.kappa</c>), else the
    /// guard's section. <paramref name="guards"/> is a registry's <see cref="Plugins.PluginRegistry.GuardPolicies"/>.</summary>
    public static string ForViolation(GuardSection guard, GuardViolationSection violation, Plugins.GuardPolicyCatalog? guards = null)
    {
        ArgumentNullException.ThrowIfNull(guard);
        ArgumentNullException.ThrowIfNull(violation);
        var finding = new Sdk.Guards.GuardViolation(violation.Code, violation.Message, violation.Module, violation.Value,
            violation.Threshold, violation.Fatal);
        return (guards ?? Plugins.GuardPolicyCatalog.Empty).PolicyLine(guard.Name, finding, guard.Details);
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

    [GeneratedRegex(@"\b(?:metrics|guards)(?:\.[A-Za-z0-9_]+)+")]
    private static partial Regex PolicyPath();
}
