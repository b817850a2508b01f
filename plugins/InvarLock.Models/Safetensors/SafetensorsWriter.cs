using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;
using InvarLock.Sdk.Models;

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
        var layout = new List<ParameterInfo>(tensors.Count);
        var data = new Dictionary<string, float[]>(tensors.Count, StringComparer.Ordinal);
        foreach (SafetensorsTensor t in tensors)
        {
            Validate(t);
            if (!data.TryAdd(t.Name, t.Data))
            {
                throw new ArgumentException($"tensor '{t.Name}' appears twice", nameof(tensors));
            }
            layout.Add(new ParameterInfo(t.Name, t.Shape));
        }
        Write(path, layout, name => data[name], metadata, dtype);
    }

    /// <summary>Writes the tensors of <paramref name="layout"/> to <paramref name="path"/> atomically (a temporary file
    /// in the same folder, then a rename over the target), asking <paramref name="readData"/> for each tensor's values
    /// only when it is written. Besides the header, the extra memory is one conversion chunk, never a copy of the
    /// tensors.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="layout">Names (unique) and shapes of the tensors; they are written sorted by name.</param>
    /// <param name="readData">Gives the values of a tensor of <paramref name="layout"/>, called once per tensor.</param>
    /// <param name="metadata">Optional <c>__metadata__</c> strings.</param>
    /// <param name="dtype">Storage type: F32, F16, BF16 (round-to-nearest-even) or F64.</param>
    /// <param name="cancellationToken">Checked before each tensor; a cancelled write leaves no file behind.</param>
    /// <exception cref="ArgumentException">A name is duplicated or reserved, a dimension is negative, or
    /// <paramref name="readData"/> returns a span whose length is not the shape's product.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void Write(string path, IReadOnlyList<ParameterInfo> layout, SafetensorsTensorData readData,
        IReadOnlyDictionary<string, string>? metadata = null, SafetensorsDType dtype = SafetensorsDType.F32,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(readData);
        if (!SafetensorsDTypes.IsReadableAsFloat32(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "only F32, F16, BF16 and F64 can be written");
        }
        var ordered = new List<ParameterInfo>(layout);
        foreach (ParameterInfo t in ordered)
        {
            Validate(t);
        }
        ordered.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Name == ordered[i - 1].Name)
            {
                throw new ArgumentException($"tensor '{ordered[i].Name}' appears twice", nameof(layout));
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
                foreach (ParameterInfo t in ordered)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    ReadOnlySpan<float> values = readData(t.Name);
                    if (values.Length != t.ElementCount)
                    {
                        throw new ArgumentException(
                            $"tensor '{t.Name}': {values.Length} values supplied for shape product {t.ElementCount}", nameof(readData));
                    }
                    for (int done = 0; done < values.Length; done += ChunkElements)
                    {
                        int count = Math.Min(ChunkElements, values.Length - done);
                        Span<byte> bytes = buffer.AsSpan(0, count * size);
                        FloatConversions.Narrow(dtype, values.Slice(done, count), bytes);
                        stream.Write(bytes);
                    }
                }
                cancellationToken.ThrowIfCancellationRequested();
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
        long n = Validate(new ParameterInfo(t.Name, t.Shape));
        if (n != t.Data.Length)
        {
            throw new ArgumentException($"tensor '{t.Name}': shape product {n} != data length {t.Data.Length}");
        }
    }

    /// <summary>Checks the name and dimensions; returns the element count.</summary>
    private static long Validate(ParameterInfo t)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(t.Name);
        ArgumentNullException.ThrowIfNull(t.Shape);
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
        return n;
    }

    private static byte[] BuildHeader(List<ParameterInfo> ordered, IReadOnlyDictionary<string, string>? metadata,
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
            foreach (ParameterInfo t in ordered)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", dtypeName);
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                long end = offset + t.ElementCount * size;
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
