namespace InvarLock.Sdk.Models;

/// <summary>The tokenizer of a checkpoint.</summary>
public interface ITokenizer
{
    /// <summary>Kind and digest of the tokenizer definition.</summary>
    TokenizerInfo Info { get; }

    /// <summary>Encodes UTF-8 text to token ids. No special tokens are added.</summary>
    int[] Encode(string text);

    /// <summary>Decodes token ids back to text.</summary>
    string Decode(ReadOnlySpan<int> ids);
}
