using System.Text.Json;
using System.Text.Json.Nodes;

namespace InvarLock.Core.Policy;

/// <summary>The policy a run uses, after tier ⊕ config root ⊕ profile ⊕ edit adjustments ⊕ preset ⊕ overrides.</summary>
/// <param name="Tier">balanced, conservative or aggressive.</param>
/// <param name="Profile">The profile's settings.</param>
/// <param name="GuardOrder">Guards in chain order (names may repeat: invariants runs first and last).</param>
/// <param name="Document">The whole resolved policy as JSON: <c>{tier, profile, guard_order, metrics, guards}</c>.</param>
/// <param name="Sources">Where each layer came from, in the order applied.</param>
internal sealed record ResolvedPolicy(string Tier, ProfileSettings Profile, IReadOnlyList<string> GuardOrder, JsonObject Document,
    IReadOnlyList<string> Sources)
{
    /// <summary>Guard sections the shipped tier does not have (added by a config root, preset or override): the runner
    /// checks each names a registered guard, so a misspelt guard name is an error rather than an ignored section.</summary>
    public IReadOnlyList<string> AddedGuardSections { get; init; } = [];

    /// <summary>The <c>metrics</c> section (pm_ratio, pm_tail, accuracy).</summary>
    public JsonObject Metrics => (JsonObject)Document["metrics"]!;

    /// <summary>A guard's section as a JSON element (an empty object when the policy has none).</summary>
    public JsonElement GuardSection(string guardName)
    {
        JsonNode? node = (Document["guards"] as JsonObject)?[guardName];
        return JsonSerializer.SerializeToElement(node ?? new JsonObject());
    }

    /// <summary>Reads a number from the metrics section by dotted path (for example <c>pm_ratio.ratio_limit_base</c>).</summary>
    public double MetricNumber(string dottedPath)
    {
        JsonNode? node = Metrics;
        foreach (string part in dottedPath.Split('.'))
        {
            node = (node as JsonObject)?[part];
        }
        return JsonNumbers.TryGetDouble(node, out double d) ? d
            : throw new KeyNotFoundException($"policy has no number at metrics.{dottedPath}");
    }
}
