namespace InvarLock.Sdk.Models;

/// <summary>Facts about a tokenizer.</summary>
/// <param name="Kind">The algorithm, for example <c>gpt2-byte-bpe</c>.</param>
/// <param name="VocabSize">Number of ids, special tokens included.</param>
/// <param name="EosTokenId">The end-of-text id, if any.</param>
/// <param name="Sha256">Lower-case hex SHA-256 over the tokenizer's definition (vocabulary and merges), independent of file formatting.</param>
public sealed record TokenizerInfo(string Kind, int VocabSize, int? EosTokenId, string Sha256)
{
    /// <summary>The beginning-of-sequence id, if the tokenizer names one.</summary>
    public int? BosTokenId { get; init; }

    /// <summary>Whether every evaluation window starts with <see cref="BosTokenId"/> (the model was trained with it).
    /// The same rule applies to both models of a run; <see cref="ITokenizer.Encode"/> never adds it itself.</summary>
    public bool AddBosToken { get; init; }

    /// <summary>The mask id of a masked-LM tokenizer (for example <c>[MASK]</c> or <c>&lt;mask&gt;</c>), if it names one.</summary>
    public int? MaskTokenId { get; init; }
}
