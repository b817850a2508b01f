using System.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>A pattern that matches single Unicode scalars by a predicate: every matching scalar is a match of its
/// own (Hugging Face's <c>Fn(char) -&gt; bool</c> pattern).</summary>
internal sealed class CharClassPattern(Func<Rune, bool> predicate) : SplitPattern
{
    public override void Matches(string text, List<(int Start, int End)> output)
    {
        for (int i = 0; i < text.Length;)
        {
            Rune rune = Rune.GetRuneAt(text, i);
            int width = rune.Utf16SequenceLength;
            if (predicate(rune))
            {
                output.Add((i, i + width));
            }
            i += width;
        }
    }
}
