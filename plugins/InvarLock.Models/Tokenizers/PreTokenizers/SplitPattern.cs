namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>What a <c>Split</c> pre-tokenizer or <c>Replace</c> normalizer looks for: a literal string or a regex.</summary>
internal abstract class SplitPattern
{
    /// <summary>Appends the non-overlapping matches in <paramref name="text"/>, left to right, as [start, end) char
    /// ranges, to <paramref name="output"/>.</summary>
    public abstract void Matches(string text, List<(int Start, int End)> output);
}
