using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InvarLock.Guards.Policy;

/// <summary>The first-party guards' shipped policy data (<c>Policy/guard-policy.json</c>, embedded): the default chain,
/// each guard's section per tier, and per-profile adjustments merged over the tier section.</summary>
internal static class GuardPolicyData
{
    private const string Resource = "InvarLock.Guards.Policy.guard-policy.json";

    private static readonly Lazy<JsonObject> Data = new(Load);

    /// <summary>The chain a run uses when its policy sets no <c>guard_order</c>.</summary>
    public static IReadOnlyList<string> DefaultChain =>
        [.. ((JsonArray)Data.Value["default_chain"]!).Select(n => n!.GetValue<string>())];

    /// <summary><paramref name="guard"/>'s section for <paramref name="tier"/>, with <paramref name="profile"/>'s
    /// adjustments merged in (objects deep-merge, scalars and lists replace); empty for an unknown tier.</summary>
    public static JsonObject Section(string guard, string tier, string profile)
    {
        var section = Data.Value["tiers"]?[tier]?[guard] is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        if (Data.Value["profiles"]?[profile]?[guard] is JsonObject adjustments)
        {
            Merge(section, adjustments);
        }
        return section;
    }

    private static void Merge(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay)
        {
            if (value is JsonObject o && target[key] is JsonObject existing)
            {
                Merge(existing, o);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private static JsonObject Load()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException("guard-policy.json resource is missing from the build");
        JsonNode root = JsonNode.Parse(stream) ?? throw new InvalidOperationException("guard-policy.json is empty");
        return (JsonObject)Typed(root)!;
    }

    /// <summary>Numbers become long (integral literals) or double values, so the resolved policy serialises each number
    /// in one canonical form whatever its spelling in the file (0.10 → 0.1, 0.0 → 0).</summary>
    private static JsonNode? Typed(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var o = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    o[key] = Typed(value);
                }
                return o;
            case JsonArray arr:
                var a = new JsonArray();
                foreach (JsonNode? item in arr)
                {
                    a.Add(Typed(item));
                }
                return a;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                JsonElement e = v.GetValue<JsonElement>();
                return e.TryGetInt64(out long l) ? JsonValue.Create(l) : JsonValue.Create(e.GetDouble());
            default:
                return node?.DeepClone();
        }
    }
}
