using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>Digests the report records about a model.</summary>
internal static class ModelDigests
{
    /// <summary>Elements hashed per read (256 KiB of float32).</summary>
    private const int ChunkElements = 1 << 16;

    /// <summary>SHA-256 over every parameter in ordinal name order: the name in UTF-8, a NUL byte, the rank and each
    /// dimension as int32 little-endian, then the float32 values little-endian. Independent of file layout and sharding.</summary>
    public static string Weights(IParameterStore parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> int32 = stackalloc byte[4];
        float[] chunk = ArrayPool<float>.Shared.Rent(ChunkElements);
        var names = new List<ParameterInfo>(parameters.All);
        names.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (ParameterInfo p in names)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(p.Name));
            hash.AppendData([0]);
            BinaryPrimitives.WriteInt32LittleEndian(int32, p.Shape.Count);
            hash.AppendData(int32);
            foreach (int d in p.Shape)
            {
                BinaryPrimitives.WriteInt32LittleEndian(int32, d);
                hash.AppendData(int32);
            }
            AppendValues(hash, parameters, p, chunk);
        }
        ArrayPool<float>.Shared.Return(chunk);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Hashes a parameter's values as float32 little-endian, read chunk by chunk through
    /// <see cref="IParameterStore.Read"/> (a half-precision tensor is widened into the chunk, never in place).</summary>
    private static void AppendValues(IncrementalHash hash, IParameterStore parameters, ParameterInfo p, float[] buffer)
    {
        long n = p.ElementCount;
        for (long offset = 0; offset < n; offset += ChunkElements)
        {
            Span<float> values = buffer.AsSpan(0, (int)Math.Min(ChunkElements, n - offset));
            parameters.Read(p.Name, offset, values);
            if (!BitConverter.IsLittleEndian)
            {
                Span<int> bits = MemoryMarshal.Cast<float, int>(values);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
            hash.AppendData(MemoryMarshal.AsBytes((ReadOnlySpan<float>)values));
        }
    }

    /// <summary>SHA-256 of <c>config.json</c> in <paramref name="folder"/>, or null when there is none.</summary>
    public static string? ConfigFile(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        return File.Exists(path) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : null;
    }
}
