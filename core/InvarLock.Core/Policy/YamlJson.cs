using System.Globalization;
using System.Text.Json.Nodes;
using InvarLock.Sdk.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace InvarLock.Core.Policy;

/// <summary>Reads YAML (tiers, presets) into JSON nodes. Plain scalars become numbers, booleans or null when they
/// look like one (YAML 1.2 core schema); quoted scalars stay strings.</summary>
internal static class YamlJson
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> names the file in errors.</summary>
    public static JsonObject ParseObject(string text, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new InvarLockException(ErrorCodes.InvalidPolicy, $"{source}: invalid YAML at line {ex.Start.Line}: {ex.Message}");
        }
        if (stream.Documents.Count == 0)
        {
            return new JsonObject();
        }
        JsonNode? root = Convert(stream.Documents[0].RootNode);
        return root as JsonObject
            ?? throw new InvarLockException(ErrorCodes.InvalidPolicy, $"{source}: top level must be a mapping");
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ConvertMap(map),
        YamlSequenceNode seq => ConvertSeq(seq),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => null,
    };

    private static JsonObject ConvertMap(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            string key = (k as YamlScalarNode)?.Value ?? k.ToString();
            obj[key] = Convert(v);
        }
        return obj;
    }

    private static JsonArray ConvertSeq(YamlSequenceNode seq)
    {
        var arr = new JsonArray();
        foreach (YamlNode child in seq.Children)
        {
            arr.Add(Convert(child));
        }
        return arr;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        string value = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return JsonValue.Create(l);
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(value);
    }
}
