using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.Generation;

/// <summary>Writes flat JSON objects the way Hugging Face does (<c>json.dumps(indent=2, sort_keys=True)</c> plus a
/// newline), byte-identical on every platform.</summary>
internal static class HfJsonFile
{
    /// <summary>Values may be string, int, long, bool, double, string[], int[], a nested
    /// <see cref="IReadOnlyDictionary{TKey, TValue}"/> of the same (keys sorted too) or null.</summary>
    internal static void Write(string path, IReadOnlyDictionary<string, object?> values)
    {
        var buffer = new MemoryStream();
        var options = new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 2,
            NewLine = "\n",
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            WriteObject(json, values);
        }
        buffer.WriteByte((byte)'\n');
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    private static void WriteObject(Utf8JsonWriter json, IReadOnlyDictionary<string, object?> values)
    {
        var keys = new List<string>(values.Keys);
        keys.Sort(string.CompareOrdinal);
        json.WriteStartObject();
        foreach (string key in keys)
        {
            json.WritePropertyName(key);
            switch (values[key])
            {
                case null: json.WriteNullValue(); break;
                case string s: json.WriteStringValue(s); break;
                case bool b: json.WriteBooleanValue(b); break;
                case int i: json.WriteNumberValue(i); break;
                case long l: json.WriteNumberValue(l); break;
                case double d: json.WriteRawValue(PythonFloat(d)); break;
                case string[] list:
                    json.WriteStartArray();
                    foreach (string item in list)
                    {
                        json.WriteStringValue(item);
                    }
                    json.WriteEndArray();
                    break;
                case int[] numbers:
                    json.WriteStartArray();
                    foreach (int item in numbers)
                    {
                        json.WriteNumberValue(item);
                    }
                    json.WriteEndArray();
                    break;
                case IReadOnlyDictionary<string, object?> nested:
                    WriteObject(json, nested);
                    break;
                default:
                    throw new ArgumentException($"unsupported JSON value for '{key}'", nameof(values));
            }
        }
        json.WriteEndObject();
    }

    /// <summary>A finite double as Python's <c>repr</c> prints it (shortest round-trip, lower-case exponent, ".0" on integers).</summary>
    internal static string PythonFloat(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no non-finite numbers");
        }
        string text = value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
        return text.Contains('.') || text.Contains('e') ? text : text + ".0";
    }
}
