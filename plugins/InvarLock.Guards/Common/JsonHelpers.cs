using System.Text.Json.Nodes;

namespace InvarLock.Guards.Common;

/// <summary>Small helpers for building report blocks.</summary>
internal static class JsonHelpers
{
    /// <summary>A JSON number, or null for NaN/infinity (canonical JSON has no non-finite numbers).</summary>
    public static JsonNode? Number(double x) => double.IsFinite(x) ? JsonValue.Create(x) : null;

    public static JsonNode? Number(double? x) => x is double v ? Number(v) : null;

    public static JsonArray Strings(IEnumerable<string> values)
    {
        var arr = new JsonArray();
        foreach (string s in values)
        {
            arr.Add(s);
        }
        return arr;
    }

    public static JsonObject Numbers(IEnumerable<KeyValuePair<string, double>> values)
    {
        var list = new List<KeyValuePair<string, double>>(values);
        list.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        var obj = new JsonObject();
        foreach (KeyValuePair<string, double> kv in list)
        {
            obj[kv.Key] = Number(kv.Value);
        }
        return obj;
    }

    public static JsonArray Pair(double? lo, double? hi) => [Number(lo), Number(hi)];
}
