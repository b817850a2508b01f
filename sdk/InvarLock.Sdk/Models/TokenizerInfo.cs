namespace InvarLock.Sdk.Models;

/// <summary>Facts about a tokenizer.</summary>
/// <param name="Kind">The algorithm, for example <c>gpt2-byte-bpe</c>.</param>
/// <param name="VocabSize">Number of ids, special tokens included.</param>
/// <param name="EosTokenId">The end-of-text id, if any.</param>
/// <param name="Sha256">Lower-case hex SHA-256 over the tokenizer's definition (vocabulary and merges), independent of file formatting.</param>
public sealed record TokenizerInfo(string Kind, int VocabSize, int? EosTokenId, string Sha256);
