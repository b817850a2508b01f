using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace InvarLock.Core.Canonical;

/// <summary>SHA-256 helpers. Every digest InvarLock writes is lower-case hex SHA-256.</summary>
internal static class Digests
{
    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    /// <summary>Lower-case hex SHA-256 of a file's bytes, streamed.</summary>
    public static string Sha256HexOfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The window token digest: SHA-256 over the token ids as 4-byte little-endian unsigned integers
    /// (a negative id is taken modulo 2³²); an empty window hashes the empty string.</summary>
    public static string TokenIdsSha256(ReadOnlySpan<int> tokenIds)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[1024];
        int filled = 0;
        foreach (int id in tokenIds)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.Slice(filled, 4), unchecked((uint)id));
            filled += 4;
            if (filled == buffer.Length)
            {
                sha.AppendData(buffer);
                filled = 0;
            }
        }

        sha.AppendData(buffer[..filled]);
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }
}
