using System.Text;
using InvarLock.Benchmarks.Gguf;

namespace InvarLock.Benchmarks.Tests;

/// <summary>A minimal GGUF v3 reader written from the format description (not from <see cref="GgufWriter"/>), to read
/// back what the writer produced: metadata values, tensor infos and the data section's start.</summary>
internal sealed class GgufTestReader
{
    internal uint Version { get; private init; }

    internal Dictionary<string, object> Metadata { get; } = new(StringComparer.Ordinal);

    internal List<(string Name, ulong[] Dims, uint Type, ulong Offset)> Tensors { get; } = [];

    internal long DataStart { get; private init; }

    internal byte[] Bytes { get; private init; } = [];

    internal static GgufTestReader Read(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        Assert.Equal("GGUF", Encoding.ASCII.GetString(r.ReadBytes(4)));
        uint version = r.ReadUInt32();
        ulong tensors = r.ReadUInt64();
        ulong kvs = r.ReadUInt64();
        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (ulong i = 0; i < kvs; i++)
        {
            string key = ReadString(r);
            metadata[key] = ReadValue(r, r.ReadUInt32());
        }
        var infos = new List<(string, ulong[], uint, ulong)>();
        for (ulong i = 0; i < tensors; i++)
        {
            string name = ReadString(r);
            var dims = new ulong[r.ReadUInt32()];
            for (int d = 0; d < dims.Length; d++)
            {
                dims[d] = r.ReadUInt64();
            }
            infos.Add((name, dims, r.ReadUInt32(), r.ReadUInt64()));
        }
        long position = r.BaseStream.Position;
        var reader = new GgufTestReader { Version = version, DataStart = (position + 31) / 32 * 32, Bytes = bytes };
        foreach (var pair in metadata)
        {
            reader.Metadata[pair.Key] = pair.Value;
        }
        reader.Tensors.AddRange(infos);
        return reader;
    }

    internal float[] Float32(string name)
    {
        var (_, dims, type, offset) = Tensors.Single(t => t.Name == name);
        Assert.Equal(0u, type);
        long count = dims.Aggregate(1L, (a, d) => a * (long)d);
        var values = new float[count];
        Buffer.BlockCopy(Bytes, (int)(DataStart + (long)offset), values, 0, (int)count * 4);
        return values;
    }

    private static object ReadValue(BinaryReader r, uint type) => type switch
    {
        4 => r.ReadUInt32(),
        5 => r.ReadInt32(),
        6 => r.ReadSingle(),
        7 => r.ReadByte() != 0,
        8 => ReadString(r),
        9 => ReadArray(r),
        _ => throw new InvalidDataException($"value type {type} is not read by this test reader"),
    };

    private static object[] ReadArray(BinaryReader r)
    {
        uint type = r.ReadUInt32();
        var values = new object[r.ReadUInt64()];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ReadValue(r, type);
        }
        return values;
    }

    private static string ReadString(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes((int)r.ReadUInt64()));
}
