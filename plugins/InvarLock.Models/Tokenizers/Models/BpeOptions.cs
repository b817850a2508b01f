namespace InvarLock.Models.Tokenizers.Models;

/// <summary>The options of a <c>BPE</c> model as written in <c>tokenizer.json</c>.</summary>
internal sealed record BpeOptions(string? UnkToken, bool FuseUnk, bool ByteFallback, bool IgnoreMerges,
    string? ContinuingSubwordPrefix, string? EndOfWordSuffix);
