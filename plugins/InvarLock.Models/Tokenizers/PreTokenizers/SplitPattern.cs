namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>What a <c>Split</c> pre-tokenizer or <c>Replace</c> normalizer looks for: a literal string or a regex.</summary>
internal abstract class SplitPattern
{
    /// <summary>Non-overlapping matches, left to right, as [start, end) char ranges.</summary>
    public abstract IEnumerable<(int Start, int End)> Matches(string text);
}
