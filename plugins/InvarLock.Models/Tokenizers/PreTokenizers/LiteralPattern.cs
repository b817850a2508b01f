namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>A <c>{"String": ...}</c> pattern: ordinal occurrences, left to right, not overlapping. An empty
/// string matches nothing.</summary>
internal sealed class LiteralPattern(string literal) : SplitPattern
{
    public string Literal { get; } = literal;

    public override void Matches(string text, List<(int Start, int End)> output)
    {
        if (Literal.Length == 0)
        {
            return;
        }
        int from = 0;
        while (from <= text.Length - Literal.Length)
        {
            int at = text.IndexOf(Literal, from, StringComparison.Ordinal);
            if (at < 0)
            {
                return;
            }
            output.Add((at, at + Literal.Length));
            from = at + Literal.Length;
        }
    }
}
