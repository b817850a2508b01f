using System.Text.Json.Nodes;
using InvarLock.Core.Canonical;

namespace InvarLock.Core.Verification;

/// <summary>Finds the first difference between two JSON trees, for precise verify messages.</summary>
internal static class JsonDiff
{
    /// <summary>Null when equal (canonically); otherwise "path: stored X, recomputed Y".</summary>
    public static string? FirstDifference(JsonNode? stored, JsonNode? recomputed, string path)
    {
        if (CanonicalJson.Serialize(stored) == CanonicalJson.Serialize(recomputed))
        {
            return null;
        }

        switch (stored, recomputed)
        {
            case (JsonObject a, JsonObject b):
                foreach (var (key, value) in b)
                {
                    string? d = FirstDifference(a[key], value, $"{path}.{key}");
                    if (d is not null)
                    {
                        return d;
                    }
                }

                foreach (var (key, value) in a)
                {
                    if (!b.ContainsKey(key))
                    {
                        return $"{path}.{key}: unexpected member";
                    }
                }

                break;
            case (JsonArray a, JsonArray b) when a.Count == b.Count:
                for (int i = 0; i < a.Count; i++)
                {
                    string? d = FirstDifference(a[i], b[i], $"{path}[{i}]");
                    if (d is not null)
                    {
                        return d;
                    }
                }

                break;
        }

        return $"{path}: stored {Show(stored)}, recomputed {Show(recomputed)}";
    }

    private static string Show(JsonNode? node)
    {
        string text = CanonicalJson.Serialize(node);
        return text.Length > 120 ? text[..117] + "..." : text;
    }
}
