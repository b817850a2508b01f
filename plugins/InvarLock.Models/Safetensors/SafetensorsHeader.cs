using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Safetensors;

/// <summary>Parses and validates a safetensors JSON header against the size of the data section.</summary>
internal static class SafetensorsHeader
{
    /// <summary>The largest header accepted, as the reference implementation (100 MB).</summary>
    internal const long MaxHeaderBytes = 100_000_000;

    internal const string MetadataKey = "__metadata__";

    internal static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlyMemory<byte> header, long dataLength)
    {
        ReadOnlySpan<byte> span = header.Span;
        if (!Utf8.IsValid(span))
        {
            throw Malformed(path, "header is not valid UTF-8");
        }
        if (span.Length == 0 || span[0] != (byte)'{')
        {
            throw Malformed(path, "header does not start with '{'");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw Malformed(path, $"header is not valid JSON ({FirstLine(e.Message)})");
        }
        using (document)
        {
            return ParseRoot(path, document.RootElement, dataLength);
        }
    }

    private static (List<SafetensorsEntry>, Dictionary<string, string>) ParseRoot(string path, JsonElement root, long dataLength)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, "header is not a JSON object");
        }
        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw Malformed(path, $"header names '{property.Name}' twice");
            }
            if (property.Name == MetadataKey)
            {
                ReadMetadata(path, property.Value, metadata);
                continue;
            }
            entries.Add(ReadEntry(path, property.Name, property.Value, dataLength));
        }
        CheckLayout(path, entries, dataLength);
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return (entries, metadata);
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, "__metadata__ is not an object of strings");
        }
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Malformed(path, $"__metadata__ value '{item.Name}' is not a string");
            }
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw Malformed(path, $"__metadata__ names '{item.Name}' twice");
            }
        }
    }

    private static SafetensorsEntry ReadEntry(string path, string name, JsonElement value, long dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, $"tensor '{name}' is not a JSON object");
        }
        string? dtypeName = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        foreach (JsonProperty field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeName is null:
                    if (field.Value.ValueKind != JsonValueKind.String)
                    {
                        throw Malformed(path, $"tensor '{name}': dtype is not a string");
                    }
                    dtypeName = field.Value.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(path, name, "shape", field.Value);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(path, name, "data_offsets", field.Value);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Malformed(path, $"tensor '{name}' names '{field.Name}' twice");
                default:
                    throw Malformed(path, $"tensor '{name}' has an unexpected field '{field.Name}'");
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
        {
            string missing = dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Malformed(path, $"tensor '{name}' has no {missing}");
        }
        if (!SafetensorsDTypes.TryParse(dtypeName, out SafetensorsDType dtype))
        {
            throw Malformed(path, $"tensor '{name}' has unknown dtype '{dtypeName}'");
        }
        if (offsets.Count != 2)
        {
            throw Malformed(path, $"tensor '{name}': data_offsets must hold exactly two integers");
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end)
        {
            throw Malformed(path, $"tensor '{name}': data_offsets [{begin}, {end}] run backwards");
        }
        if (end > dataLength)
        {
            throw Malformed(path,
                $"tensor '{name}': data_offsets [{begin}, {end}] reach past the end of the data section ({dataLength} bytes)");
        }
        long expected;
        try
        {
            expected = SafetensorsDTypes.SizeOf(dtype);
            foreach (long d in shape)
            {
                expected = checked(expected * d);
            }
        }
        catch (OverflowException)
        {
            throw Malformed(path, $"tensor '{name}': shape [{string.Join(", ", shape)}] is too large");
        }
        if (expected != end - begin)
        {
            throw Malformed(path,
                $"tensor '{name}': shape [{string.Join(", ", shape)}] of {dtypeName} needs {expected} bytes but data_offsets span {end - begin}");
        }
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static List<long> ReadIntegers(string path, string name, string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Malformed(path, $"tensor '{name}': {field} is not an array of integers");
        }
        var list = new List<long>(value.GetArrayLength());
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long n) || n < 0)
            {
                throw Malformed(path, $"tensor '{name}': {field} holds '{item.GetRawText()}', not a non-negative integer");
            }
            list.Add(n);
        }
        return list;
    }

    /// <summary>Tensors must tile the data section exactly: no overlap, no gap, nothing left over.</summary>
    private static void CheckLayout(string path, List<SafetensorsEntry> entries, long dataLength)
    {
        var byOffset = new List<SafetensorsEntry>(entries);
        byOffset.Sort((a, b) =>
        {
            int c = a.Begin.CompareTo(b.Begin);
            if (c == 0)
            {
                c = a.End.CompareTo(b.End);
            }
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        long position = 0;
        SafetensorsEntry? previous = null;
        foreach (SafetensorsEntry e in byOffset)
        {
            if (e.Begin < position)
            {
                throw Malformed(path, $"tensors '{previous!.Name}' and '{e.Name}' overlap (bytes {e.Begin}..{position})");
            }
            if (e.Begin > position)
            {
                string after = previous is null ? "at the start of the data section" : $"between '{previous.Name}' and '{e.Name}'";
                throw Malformed(path, $"{e.Begin - position} bytes are not described by the header ({after})");
            }
            position = e.End;
            previous = e;
        }
        if (position != dataLength)
        {
            throw Malformed(path,
                $"{dataLength - position} bytes after the last tensor are not described by the header (data section {dataLength} bytes)");
        }
    }

    internal static InvarLockException Malformed(string path, string problem) =>
        new(ErrorCodes.MalformedSafetensors, string.Create(CultureInfo.InvariantCulture, $"{path}: {problem}"));

    private static string FirstLine(string text)
    {
        int newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
