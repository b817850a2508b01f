using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InvarLock.Models.Safetensors;

/// <summary>Writes float32 tensors as a safetensors file, laid out as the reference writer does: an 8-byte header
/// length, a compact JSON header (<c>__metadata__</c> first, then tensors by ordinal name) padded with spaces to a
/// multiple of 8 bytes, then the tensors' bytes back to back in the same order.</summary>
public static class SafetensorsWriter
{
    private const int HeaderAlignment = 8;

    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (a temporary file in the same
    /// folder, then a rename over the target).</summary>
    /// <param name="path">Target file.</param>
    /// <param name="tensors">Tensors with unique names.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <param name="dtype">Storage type: F32, F16, BF16 (round-to-nearest-even) or F64.</param>
    public static void Write(string path, IReadOnlyList<SafetensorsTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, SafetensorsDType dtype = SafetensorsDType.F32)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!SafetensorsDTypes.IsReadableAsFloat32(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "only F32, F16, BF16 and F64 can be written");
        }
        var ordered = new List<SafetensorsTensor>(tensors);
        ordered.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 0; i < ordered.Count; i++)
        {
            Validate(ordered[i]);
            if (i > 0 && ordered[i].Name == ordered[i - 1].Name)
            {
                throw new ArgumentException($"tensor '{ordered[i].Name}' appears twice", nameof(tensors));
            }
        }
        byte[] header = BuildHeader(ordered, metadata, dtype);

        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> prefix = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
                stream.Write(prefix);
                stream.Write(header);
                int size = SafetensorsDTypes.SizeOf(dtype);
                const int ChunkElements = 1 << 16;
                byte[] buffer = new byte[ChunkElements * size];
                foreach (SafetensorsTensor t in ordered)
                {
                    for (int done = 0; done < t.Data.Length; done += ChunkElements)
                    {
                        int count = Math.Min(ChunkElements, t.Data.Length - done);
                        Span<byte> bytes = buffer.AsSpan(0, count * size);
                        FloatConversions.Narrow(dtype, t.Data.AsSpan(done, count), bytes);
                        stream.Write(bytes);
                    }
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void Validate(SafetensorsTensor t)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(t.Name);
        ArgumentNullException.ThrowIfNull(t.Shape);
        ArgumentNullException.ThrowIfNull(t.Data);
        if (t.Name == SafetensorsHeader.MetadataKey)
        {
            throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved and cannot name a tensor");
        }
        long n = 1;
        foreach (int d in t.Shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, $"{t.Name}.Shape");
            n *= d;
        }
        if (n != t.Data.Length)
        {
            throw new ArgumentException($"tensor '{t.Name}': shape product {n} != data length {t.Data.Length}");
        }
    }

    private static byte[] BuildHeader(List<SafetensorsTensor> ordered, IReadOnlyDictionary<string, string>? metadata,
        SafetensorsDType dtype)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                var keys = new List<string>(metadata.Keys);
                keys.Sort(string.CompareOrdinal);
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (string key in keys)
                {
                    json.WriteString(key, metadata[key]);
                }
                json.WriteEndObject();
            }
            string dtypeName = SafetensorsDTypes.ToHeaderName(dtype);
            int size = SafetensorsDTypes.SizeOf(dtype);
            long offset = 0;
            foreach (SafetensorsTensor t in ordered)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", dtypeName);
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                long end = offset + (long)t.Data.Length * size;
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        int padding = (HeaderAlignment - (int)(buffer.Length % HeaderAlignment)) % HeaderAlignment;
        for (int i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temporary file is hidden and uniquely named.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
