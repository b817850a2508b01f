using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>Digests the report records about a model.</summary>
internal static class ModelDigests
{
    /// <summary>SHA-256 over every parameter in ordinal name order: the name in UTF-8, a NUL byte, the rank and each
    /// dimension as int32 little-endian, then the float32 values little-endian. Independent of file layout and sharding.</summary>
    public static string Weights(IParameterStore parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> int32 = stackalloc byte[4];
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
            ReadOnlySpan<float> values = parameters.GetSpan(p.Name);
            if (BitConverter.IsLittleEndian)
            {
                hash.AppendData(MemoryMarshal.AsBytes(values));
            }
            else
            {
                byte[] buffer = new byte[values.Length * 4];
                for (int i = 0; i < values.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), values[i]);
                }
                hash.AppendData(buffer);
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>SHA-256 of <c>config.json</c> in <paramref name="folder"/>, or null when there is none.</summary>
    public static string? ConfigFile(string folder)
    {
        string path = Path.Combine(folder, "config.json");
        return File.Exists(path) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : null;
    }
}
