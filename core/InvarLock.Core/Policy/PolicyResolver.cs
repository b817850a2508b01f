using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using InvarLock.Core.Plugins;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Policy;

/// <summary>Resolves the run policy: the registered guards' defaults for the tier and profile and the shipped metric tiers
/// ⊕ <c>$INVARLOCK_CONFIG_ROOT/runtime/tiers.yaml</c> ⊕ profile ⊕ edit adjustments ⊕ preset ⊕ explicit overrides (later
/// layers win; objects deep-merge, scalars and lists replace). Core names no guard: the <c>guards</c> section and the
/// default <c>guard_order</c> come from the <see cref="GuardPolicyCatalog"/>, edit adjustments from the edit.</summary>
internal static class PolicyResolver
{
    public static IReadOnlyList<string> Tiers { get; } = ["balanced", "conservative", "aggressive"];

    private const string ShippedTiersResource = "InvarLock.Core.Policy.tiers.yaml";

    /// <summary>Resolves a policy. <paramref name="guards"/> supplies each guard's defaults and the default chain (a
    /// registry's <see cref="PluginRegistry.GuardPolicies"/>); <paramref name="environment"/> supplies
    /// <c>INVARLOCK_CONFIG_ROOT</c> (defaults to the process environment).</summary>
    public static ResolvedPolicy Resolve(PolicyRequest request, GuardPolicyCatalog guards, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(guards);
        environment ??= Environment.GetEnvironmentVariable;
        string tier = (request.Tier ?? "balanced").Trim().ToLowerInvariant();
        ProfileSettings profile = ProfileSettings.For(request.Profile ?? "dev");
        var sources = new List<string>();

        JsonObject tiers = YamlJson.ParseObject(ReadShippedTiers(), "shipped tiers.yaml");
        sources.Add("shipped:tiers.yaml");
        string? root = environment("INVARLOCK_CONFIG_ROOT");
        if (!string.IsNullOrWhiteSpace(root))
        {
            string path = Path.Combine(root, "runtime", "tiers.yaml");
            if (File.Exists(path))
            {
                JsonMerge.Into(tiers, YamlJson.ParseFile(path, "tiers file"));
                sources.Add(path);
            }
        }
        if (tiers[tier] is not JsonObject tierNode)
        {
            throw new InvarLockException(ErrorCodes.Usage, $"unknown tier '{request.Tier}'; valid tiers: {string.Join(", ", Tiers)}");
        }

        var doc = new JsonObject
        {
            ["tier"] = tier,
            ["profile"] = profile.Name,
            ["guard_order"] = ToArray(guards.DefaultGuardOrder),
            ["metrics"] = new JsonObject(),
            ["guards"] = new JsonObject(),
        };
        // Guard defaults (tier and profile, from each guard), below the shipped metrics and the config root.
        var guardSections = (JsonObject)doc["guards"]!;
        var shippedGuards = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in guards.GuardNames)
        {
            guardSections[name] = guards.Find(name)!.DefaultPolicy(tier, profile.Name).DeepClone();
            shippedGuards.Add(name);
        }
        JsonMerge.Into(doc, (JsonObject)tierNode.DeepClone());

        // Profile layer: ci_cpu replaces the ratio limit (guards ship their own profile adjustments).
        if (profile.RatioLimitOverride is double limit)
        {
            JsonMerge.Into(doc, new JsonObject { ["metrics"] = new JsonObject { ["pm_ratio"] = new JsonObject { ["ratio_limit_base"] = limit } } });
        }
        sources.Add($"profile:{profile.Name}");

        // Edit adjustments, as the edit declares them.
        if (request.EditAdjustments is { Count: > 0 } adjustments)
        {
            foreach (var (key, value) in adjustments)
            {
                if (key is not ("guards" or "metrics") || value is not JsonObject)
                {
                    throw new InvarLockException(ErrorCodes.InvalidPolicy,
                        $"edit {request.EditName}: its policy adjustments may only hold guards and metrics maps, not '{key}'");
                }
            }
            JsonMerge.Into(doc, (JsonObject)adjustments.DeepClone());
            sources.Add($"edit:{request.EditName}");
        }

        if (!string.IsNullOrEmpty(request.PresetPath))
        {
            ApplyPreset(doc, request.PresetPath);
            sources.Add(Path.GetFullPath(request.PresetPath));
        }
        foreach (string assignment in request.Overrides)
        {
            ApplyOverride(doc, assignment);
        }
        if (request.Overrides.Count > 0)
        {
            sources.Add("overrides");
        }

        var order = new List<string>();
        if (doc["guard_order"] is not JsonArray orderNodes)
        {
            throw new InvarLockException(ErrorCodes.InvalidPolicy, "guard_order: must be a list of guard names");
        }
        foreach (JsonNode? n in orderNodes)
        {
            order.Add(n is JsonValue v && v.TryGetValue(out string? name)
                ? name
                : throw new InvarLockException(ErrorCodes.InvalidPolicy, "guard_order: entries must be guard names"));
        }
        foreach (var (key, _) in doc)
        {
            if (key is not ("tier" or "profile" or "guard_order" or "metrics" or "guards"))
            {
                throw new InvarLockException(ErrorCodes.InvalidPolicy,
                    $"{key}: unknown policy key (from {sources[^1]}); valid keys: guard_order, guards, metrics");
            }
        }
        MetricPolicyValidator.Validate(doc);
        var added = new List<string>();
        if (doc["guards"] is JsonObject resolvedGuards)
        {
            foreach (var (name, _) in resolvedGuards)
            {
                if (!shippedGuards.Contains(name))
                {
                    added.Add(name);
                }
            }
        }
        else
        {
            throw new InvarLockException(ErrorCodes.InvalidPolicy, "guards: must be a map of guard name → settings");
        }
        return new ResolvedPolicy(tier, profile, order, doc, sources) { AddedGuardSections = added };
    }

    private static string ReadShippedTiers()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ShippedTiersResource)
            ?? throw new InvalidOperationException("shipped tiers.yaml resource is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void ApplyPreset(JsonObject doc, string presetPath)
    {
        string full = Path.GetFullPath(presetPath);
        JsonObject preset = YamlJson.ParseFile(full, "preset file");
        foreach (var (key, value) in preset)
        {
            switch (key)
            {
                case "guards" when value is JsonObject:
                case "metrics" when value is JsonObject:
                    JsonMerge.Into(doc, new JsonObject { [key] = value.DeepClone() });
                    break;
                case "guard_order" when value is JsonArray:
                    doc["guard_order"] = value.DeepClone();
                    break;
                case "guards" or "metrics" or "guard_order":
                    throw new InvarLockException(ErrorCodes.InvalidPolicy, $"{full}: '{key}' has the wrong type");
                default:
                    throw new InvarLockException(ErrorCodes.InvalidPolicy,
                        $"{full}: unknown key '{key}'; valid keys: guard_order, guards, metrics");
            }
        }
    }

    /// <summary>Applies one <c>dotted.path=value</c> override; the value is parsed as YAML scalar/flow syntax.</summary>
    internal static void ApplyOverride(JsonObject doc, string assignment)
    {
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new InvarLockException(ErrorCodes.Usage, $"--policy '{assignment}': expected PATH=VALUE, e.g. metrics.pm_ratio.ratio_limit_base=1.2");
        }
        string path = assignment[..eq].Trim();
        string raw = assignment[(eq + 1)..].Trim();
        string[] parts = path.Split('.');
        if (parts[0] is not ("guards" or "metrics" or "guard_order"))
        {
            throw new InvarLockException(ErrorCodes.Usage, $"--policy '{assignment}': path must start with guards., metrics. or be guard_order");
        }
        JsonNode? value = YamlJson.ParseObject($"v: {raw}", "--policy")["v"]?.DeepClone();
        JsonObject cursor = doc;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (cursor[parts[i]] is not JsonObject next)
            {
                next = new JsonObject();
                cursor[parts[i]] = next;
            }
            cursor = next;
        }
        cursor[parts[^1]] = value;
    }

    private static JsonArray ToArray(IReadOnlyList<string> items)
    {
        var arr = new JsonArray();
        foreach (string s in items)
        {
            arr.Add(s);
        }
        return arr;
    }

    internal static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
