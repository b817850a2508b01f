using System.Security.Cryptography;
using System.Text;
using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Testing;

/// <summary>A trivial byte-level tokenizer for tests: each UTF-8 byte of the text is one token, its id the byte value
/// modulo the vocabulary size. With a vocabulary of 256 or more, <see cref="Decode"/> gives the text back exactly.</summary>
public sealed class ByteTokenizer : ITokenizer
{
    private readonly int _vocab;

    /// <summary>Creates a tokenizer for a vocabulary of <paramref name="vocabSize"/> ids.</summary>
    /// <param name="vocabSize">Number of ids (at least 1).</param>
    public ByteTokenizer(int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        _vocab = vocabSize;
        byte[] digest = SHA256.HashData(Encoding.ASCII.GetBytes($"invarlock-sdk-testing-byte:{vocabSize}"));
        Info = new TokenizerInfo("byte", vocabSize, null, Convert.ToHexStringLower(digest));
    }

    /// <summary>Kind <c>byte</c>, no end-of-text id, and a digest that depends only on the vocabulary size.</summary>
    public TokenizerInfo Info { get; }

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int[] ids = new int[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            ids[i] = bytes[i] % _vocab;
        }
        return ids;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, vocabulary size) or above 255.</exception>
    public string Decode(ReadOnlySpan<int> ids)
    {
        byte[] bytes = new byte[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0 || ids[i] >= _vocab || ids[i] > byte.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {ids[i]} is not a byte of this vocabulary");
            }
            bytes[i] = (byte)ids[i];
        }
        return Encoding.UTF8.GetString(bytes);
    }
}
