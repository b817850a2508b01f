using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>A pre-tokenizer that is one split with a pattern and behavior: <c>Split</c>, and the fixed-pattern
/// <c>Whitespace</c>, <c>WhitespaceSplit</c>, <c>Punctuation</c>, <c>Digits</c> and <c>CharDelimiterSplit</c>.</summary>
internal sealed class SplitPreTokenizer(SplitPattern pattern, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    public void PreTokenize(List<NormalizedText> pieces) => PieceSplitter.SplitAll(pieces, pattern, behavior, invert);
}
