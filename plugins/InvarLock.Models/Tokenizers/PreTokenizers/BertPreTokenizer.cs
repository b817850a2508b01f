using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary><c>BertPreTokenizer</c> in one scan: Hugging Face's split on whitespace (removed) followed by a split on
/// punctuation (isolated) leaves the maximal runs of scalars that are neither whitespace nor punctuation, and each
/// punctuation scalar alone, in order; this gives those pieces directly, without the intermediate whitespace-split
/// pieces. Whitespace is <see cref="UnicodeClasses.IsWhitespace"/>, punctuation
/// <see cref="UnicodeClasses.IsBertPunctuation"/>, as in the two-step form.</summary>
internal sealed class BertPreTokenizer : IPreTokenizer
{
    private static readonly bool[] AsciiSpace = AsciiTable(UnicodeClasses.IsWhitespace);
    private static readonly bool[] AsciiPunctuation = AsciiTable(r => !UnicodeClasses.IsWhitespace(r) && UnicodeClasses.IsBertPunctuation(r));

    private static bool[] AsciiTable(Func<Rune, bool> predicate)
    {
        var table = new bool[128];
        for (int c = 0; c < 128; c++)
        {
            table[c] = predicate(new Rune(c));
        }
        return table;
    }

    public void PreTokenize(List<NormalizedText> pieces)
    {
        var output = new List<NormalizedText>(pieces.Count * 4);
        foreach (var piece in pieces)
        {
            Split(piece, output);
        }
        pieces.Clear();
        pieces.AddRange(output);
    }

    private static void Split(NormalizedText piece, List<NormalizedText> output)
    {
        string text = piece.Text;
        int runStart = 0;
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            int width;
            bool space;
            bool punctuation;
            if (c < 128)
            {
                width = 1;
                space = AsciiSpace[c];
                punctuation = AsciiPunctuation[c];
            }
            else
            {
                Rune rune = Rune.GetRuneAt(text, i);
                width = rune.Utf16SequenceLength;
                space = UnicodeClasses.IsWhitespace(rune);
                punctuation = !space && UnicodeClasses.IsBertPunctuation(rune);
            }
            if (space || punctuation)
            {
                Add(piece, runStart, i, output);
                if (punctuation)
                {
                    Add(piece, i, i + width, output);
                }
                runStart = i + width;
            }
            i += width;
        }
        Add(piece, runStart, text.Length, output);
    }

    private static void Add(NormalizedText piece, int start, int end, List<NormalizedText> output)
    {
        if (end > start)
        {
            output.Add(start == 0 && end == piece.Length ? piece : piece.Slice(start, end));
        }
    }
}
