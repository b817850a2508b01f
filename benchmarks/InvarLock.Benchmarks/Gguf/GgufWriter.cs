using System.Runtime.InteropServices;
using System.Text;

namespace InvarLock.Benchmarks.Gguf;

/// <summary>Writes a GGUF v3 file (the llama.cpp model format): the header ("GGUF", version 3, tensor count, metadata
/// count), the metadata key/value pairs, the tensor infos, then the tensor data, each tensor starting at a multiple of
/// <see cref="Alignment"/> bytes from the start of the data section. All numbers are little-endian; strings are a
/// uint64 byte length followed by UTF-8 bytes without a terminator.</summary>
/// <remarks>Tensor data is streamed: each tensor's bytes come from a callback when <see cref="Write"/> reaches it, so a
/// multi-gigabyte model never sits in memory whole. The file is written next to the target and renamed into place,
/// so a failure leaves no partial file.</remarks>
internal sealed class GgufWriter
{
    /// <summary>GGUF's default alignment (<c>general.alignment</c> absent).</summary>
    internal const int Alignment = 32;

    internal const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32

    internal const uint Version = 3;

    private readonly List<(string Key, GgufValueType Type, Action<BinaryWriter> Value)> _metadata = [];

    private readonly List<Tensor> _tensors = [];

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    internal int TensorCount => _tensors.Count;

    internal void Add(string key, string value) => AddValue(key, GgufValueType.String, w => WriteString(w, value));

    internal void Add(string key, uint value) => AddValue(key, GgufValueType.UInt32, w => w.Write(value));

    internal void Add(string key, float value) => AddValue(key, GgufValueType.Float32, w => w.Write(value));

    internal void Add(string key, bool value) => AddValue(key, GgufValueType.Bool, w => w.Write(value));

    internal void Add(string key, IReadOnlyList<string> values) => AddValue(key, GgufValueType.Array, w =>
    {
        w.Write((uint)GgufValueType.String);
        w.Write((ulong)values.Count);
        foreach (string value in values)
        {
            WriteString(w, value);
        }
    });

    internal void Add(string key, IReadOnlyList<float> values) => AddValue(key, GgufValueType.Array, w =>
    {
        w.Write((uint)GgufValueType.Float32);
        w.Write((ulong)values.Count);
        foreach (float value in values)
        {
            w.Write(value);
        }
    });

    internal void Add(string key, IReadOnlyList<int> values) => AddValue(key, GgufValueType.Array, w =>
    {
        w.Write((uint)GgufValueType.Int32);
        w.Write((ulong)values.Count);
        foreach (int value in values)
        {
            w.Write(value);
        }
    });

    /// <summary>Adds a tensor. <paramref name="shape"/> is row-major, outermost first (as safetensors and torch write
    /// it: a linear weight is [out, in]); GGUF stores the dimensions innermost first (<c>ne[0]</c> = in), which this
    /// writer does. <paramref name="writeData"/> must write exactly the tensor's bytes (element count × element
    /// size) in row-major order.</summary>
    internal void AddTensor(string name, IReadOnlyList<long> shape, GgufTensorType type, Action<Stream> writeData)
    {
        if (!_names.Add(name))
        {
            throw new ArgumentException($"tensor '{name}' was added twice", nameof(name));
        }
        long elements = 1;
        foreach (long d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(d, nameof(shape));
            elements *= d;
        }
        long bytes = elements * (type == GgufTensorType.F32 ? 4 : 2);
        _tensors.Add(new Tensor(name, [.. shape], type, bytes, writeData));
    }

    /// <summary>Writes the file to <paramref name="path"/> (through a temporary file renamed into place).</summary>
    internal void Write(string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("GGUF is written little-endian; this machine is big-endian");
        }
        string temporary = path + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                WriteTo(stream);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes the whole file to <paramref name="stream"/>, which must start at position 0.</summary>
    internal void WriteTo(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write((ulong)_tensors.Count);
        writer.Write((ulong)_metadata.Count);
        foreach (var (key, type, value) in _metadata)
        {
            WriteString(writer, key);
            writer.Write((uint)type);
            value(writer);
        }
        long offset = 0;
        foreach (Tensor tensor in _tensors)
        {
            WriteString(writer, tensor.Name);
            writer.Write((uint)tensor.Shape.Length);
            for (int i = tensor.Shape.Length - 1; i >= 0; i--)
            {
                writer.Write((ulong)tensor.Shape[i]);
            }
            writer.Write((uint)tensor.Type);
            writer.Write((ulong)offset);
            offset = AlignUp(offset + tensor.Bytes);
        }
        writer.Flush();
        Pad(stream);
        long dataStart = stream.Position;
        foreach (Tensor tensor in _tensors)
        {
            long begin = stream.Position;
            tensor.WriteData(stream);
            long written = stream.Position - begin;
            if (written != tensor.Bytes)
            {
                throw new InvalidOperationException($"tensor '{tensor.Name}': {written} bytes written, {tensor.Bytes} expected");
            }
            Pad(stream);
        }
        if (stream.Position - dataStart != offset)
        {
            throw new InvalidOperationException($"data section is {stream.Position - dataStart} bytes, {offset} expected");
        }
    }

    /// <summary>Writes <paramref name="values"/> as raw little-endian float32.</summary>
    internal static void WriteFloat32(Stream stream, ReadOnlySpan<float> values) => stream.Write(MemoryMarshal.AsBytes(values));

    /// <summary>Writes <paramref name="values"/> (16-bit float bit patterns) as raw little-endian uint16.</summary>
    internal static void WriteUInt16(Stream stream, ReadOnlySpan<ushort> values) => stream.Write(MemoryMarshal.AsBytes(values));

    internal static long AlignUp(long value) => (value + Alignment - 1) / Alignment * Alignment;

    private void AddValue(string key, GgufValueType type, Action<BinaryWriter> value)
    {
        foreach (var entry in _metadata)
        {
            if (entry.Key == key)
            {
                throw new ArgumentException($"metadata key '{key}' was added twice", nameof(key));
            }
        }
        _metadata.Add((key, type, value));
    }

    private static void Pad(Stream stream)
    {
        long pad = AlignUp(stream.Position) - stream.Position;
        for (long i = 0; i < pad; i++)
        {
            stream.WriteByte(0);
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write((ulong)bytes.Length);
        writer.Write(bytes);
    }

    private sealed record Tensor(string Name, long[] Shape, GgufTensorType Type, long Bytes, Action<Stream> WriteData);
}
