using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Pipeline;

/// <summary>A stand-in tokenizer: one token per UTF-16 char, id = char code.</summary>
internal sealed class CharTokenizer : ITokenizer
{
    public TokenizerInfo Info { get; } = new("test-chars", 65536, null, new string('0', 64));

    public int[] Encode(string text) => text.Select(c => (int)c).ToArray();

    public string Decode(ReadOnlySpan<int> ids)
    {
        var chars = new char[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            chars[i] = (char)ids[i];
        }

        return new string(chars);
    }
}
