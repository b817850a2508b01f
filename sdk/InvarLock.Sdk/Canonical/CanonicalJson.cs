using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InvarLock.Sdk.Canonical;

/// <summary>RFC 8785 (JSON Canonicalization Scheme) serialisation and the SHA-256 digests built on it. Shared by the host
/// (report, policy and content digests) and plugins (measurement-contract hashes), so both hash JSON the same way.</summary>
/// <remarks>
/// <para>Canonical form: object members sorted by their names' UTF-16 code units, no whitespace, strings escaped
/// minimally (<c>\"</c>, <c>\\</c>, <c>\b \f \n \r \t</c>, other controls as <c>\u00xx</c>), everything else written
/// as raw UTF-8, numbers as IEEE doubles in ECMAScript form (<see cref="EcmaScriptNumber"/>). NaN and infinities
/// are rejected, so a digest never depends on a language's float printing.</para>
/// <para><see cref="WriteIndented"/> uses the same scalar rules but keeps member order and indents by two spaces;
/// it is how reports are written to disk.</para>
/// </remarks>
public static class CanonicalJson
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The RFC 8785 canonical text of <paramref name="node"/> (null is the JSON literal <c>null</c>).</summary>
    /// <exception cref="ArgumentException">A number is NaN or infinite, or a string holds a lone surrogate.</exception>
    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder(256);
        Write(sb, node, sortKeys: true, indent: -1);
        return sb.ToString();
    }

    /// <summary>The canonical text of <paramref name="node"/> as UTF-8 bytes.</summary>
    public static byte[] SerializeToUtf8(JsonNode? node) => StrictUtf8.GetBytes(Serialize(node));

    /// <summary>Lower-case hex SHA-256 of the canonical UTF-8 bytes of <paramref name="node"/>.</summary>
    public static string Sha256Hex(JsonNode? node) => Convert.ToHexStringLower(SHA256.HashData(SerializeToUtf8(node)));

    /// <summary>Lower-case hex SHA-256 of the canonical form of a value serialised with <paramref name="options"/>.</summary>
    public static string Sha256Hex<T>(T value, JsonSerializerOptions options) =>
        Sha256Hex(JsonSerializer.SerializeToNode(value, options));

    /// <summary>Indented JSON (two spaces, <c>\n</c> line ends, trailing newline) keeping member order, with canonical
    /// scalars. Deterministic for the same node.</summary>
    public static string WriteIndented(JsonNode? node)
    {
        var sb = new StringBuilder(4096);
        Write(sb, node, sortKeys: false, indent: 0);
        sb.Append('\n');
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, bool sortKeys, int indent)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                WriteObject(sb, obj, sortKeys, indent);
                break;
            case JsonArray array:
                WriteArray(sb, array, sortKeys, indent);
                break;
            case JsonValue value:
                WriteValue(sb, value);
                break;
            default:
                throw new ArgumentException($"Unsupported JSON node type {node.GetType().Name}.", nameof(node));
        }
    }

    private static void WriteObject(StringBuilder sb, JsonObject obj, bool sortKeys, int indent)
    {
        if (obj.Count == 0)
        {
            sb.Append("{}");
            return;
        }

        IEnumerable<KeyValuePair<string, JsonNode?>> members = obj;
        if (sortKeys)
        {
            var list = obj.ToList();
            list.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key)); // UTF-16 code units
            members = list;
        }

        sb.Append('{');
        bool first = true;
        foreach (var (key, child) in members)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            NewLine(sb, indent >= 0 ? indent + 1 : -1);
            WriteString(sb, key);
            sb.Append(indent >= 0 ? ": " : ":");
            Write(sb, child, sortKeys, indent >= 0 ? indent + 1 : -1);
        }

        NewLine(sb, indent);
        sb.Append('}');
    }

    private static void WriteArray(StringBuilder sb, JsonArray array, bool sortKeys, int indent)
    {
        if (array.Count == 0)
        {
            sb.Append("[]");
            return;
        }

        // Arrays of scalars stay on one line when indenting, which keeps per-window lists readable.
        bool scalarsOnly = true;
        foreach (var item in array)
        {
            if (item is JsonObject or JsonArray)
            {
                scalarsOnly = false;
                break;
            }
        }

        sb.Append('[');
        for (int i = 0; i < array.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
                if (indent >= 0 && scalarsOnly)
                {
                    sb.Append(' ');
                }
            }

            if (!scalarsOnly)
            {
                NewLine(sb, indent >= 0 ? indent + 1 : -1);
            }

            Write(sb, array[i], sortKeys, indent >= 0 ? indent + 1 : -1);
        }

        if (!scalarsOnly)
        {
            NewLine(sb, indent);
        }

        sb.Append(']');
    }

    /// <summary>Starts a new indented line; <paramref name="level"/> is the nesting depth, or negative for canonical
    /// (single-line) output.</summary>
    private static void NewLine(StringBuilder sb, int level)
    {
        if (level < 0)
        {
            return;
        }

        sb.Append('\n').Append(' ', level * 2);
    }

    private static void WriteValue(StringBuilder sb, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(sb, value.GetValue<string>());
                return;
            case JsonValueKind.True:
                sb.Append("true");
                return;
            case JsonValueKind.False:
                sb.Append("false");
                return;
            case JsonValueKind.Null:
                sb.Append("null");
                return;
            case JsonValueKind.Number:
                sb.Append(EcmaScriptNumber.Format(ToDouble(value)));
                return;
            default:
                throw new ArgumentException($"Unsupported JSON value kind {value.GetValueKind()}.", nameof(value));
        }
    }

    /// <summary>The IEEE double of a JSON number node (RFC 8785 treats every number as a double).</summary>
    public static double ToDouble(JsonValue value)
    {
        if (value.TryGetValue(out double d))
        {
            return d;
        }

        if (value.TryGetValue(out long l))
        {
            return l;
        }

        if (value.TryGetValue(out int i))
        {
            return i;
        }

        if (value.TryGetValue(out float f))
        {
            return f;
        }

        if (value.TryGetValue(out ulong ul))
        {
            return ul;
        }

        if (value.TryGetValue(out decimal m))
        {
            return (double)m;
        }

        if (value.TryGetValue(out JsonElement element) && element.ValueKind == JsonValueKind.Number)
        {
            return double.Parse(element.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    {
                        sb.Append(c).Append(s[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        throw new ArgumentException("A string holds a lone UTF-16 surrogate; it has no canonical form.");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
