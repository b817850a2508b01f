using System.Text.Json.Nodes;

namespace InvarLock.Core.Policy;

/// <summary>Deep merge of JSON objects: objects merge key by key, everything else (scalars, arrays) is replaced.</summary>
internal static class JsonMerge
{
    public static void Into(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay)
        {
            if (value is JsonObject o && target[key] is JsonObject existing)
            {
                Into(existing, o);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
