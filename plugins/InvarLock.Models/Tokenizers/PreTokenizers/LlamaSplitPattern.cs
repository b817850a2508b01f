using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary>A hand-written scanner for the two pre-tokenizer regexes of the Llama 3 family
/// (<see cref="Llama3Regex"/>, digits in runs of at most three) and the Qwen2 family (<see cref="Qwen2Regex"/>,
/// single digits), chosen by <see cref="TryCreate"/> only when a file's pattern is exactly one of them; every other
/// pattern keeps <see cref="RegexPattern"/>. It gives the matches <see cref="RegexPattern"/> gives (a differential
/// test runs both over hostile strings and prose), without a regex engine or a stand-in copy of the text.
/// <para>Every position starts a match (each char is a letter, a number, whitespace or "other"), so the scanner asks,
/// at each position, which alternative the backtracking engine would take first:</para>
/// <list type="number">
/// <item><c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c>: an apostrophe and a contraction in ASCII letters of either case (the
/// invariant-culture regex does not fold U+017F LONG S to s; the hostile strings hold <c>'ſ</c>);</item>
/// <item><c>[^\r\n\p{L}\p{N}]?\p{L}+</c>: a letter run, with one leading scalar that is not CR, LF, letter or number;</item>
/// <item><c>\p{N}{1,3}</c> (or <c>\p{N}</c>): the numbers;</item>
/// <item><c> ?[^\s\p{L}\p{N}]+[\r\n]*</c>: an optional space, a run of "other", then any CR/LF;</item>
/// <item><c>\s*[\r\n]+</c>: whitespace up to and including the last CR/LF of the whitespace run;</item>
/// <item><c>\s+(?!\S)</c>: a whitespace run that ends the text, or all of a longer run but its last char;</item>
/// <item><c>\s+</c>: the remaining single whitespace char.</item>
/// </list>
/// <para>Classes are of Unicode scalars (a surrogate pair is one scalar), from .NET's Unicode data, as
/// <see cref="RegexPattern"/>'s stand-ins classify them: letter = L*, number = N*, whitespace =
/// <see cref="Rune.IsWhiteSpace"/> (the regex's <c>\s</c>: Z* and the ASCII/U+0085 controls).</para></summary>
internal sealed class LlamaSplitPattern : SplitPattern
{
    /// <summary>Llama 3's <c>pre_tokenizer</c> Split pattern.</summary>
    public const string Llama3Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>Qwen2's (and Qwen2.5's, Qwen3's) pattern: Llama 3's with single digits.</summary>
    public const string Qwen2Regex = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private readonly int _maxDigits;

    private LlamaSplitPattern(string pattern, int maxDigits)
    {
        Pattern = pattern;
        _maxDigits = maxDigits;
    }

    /// <summary>The pattern this scanner stands for.</summary>
    public string Pattern { get; }

    /// <summary>The scanner for <paramref name="pattern"/> when it is exactly <see cref="Llama3Regex"/> or
    /// <see cref="Qwen2Regex"/>, otherwise null.</summary>
    public static LlamaSplitPattern? TryCreate(string pattern) => pattern switch
    {
        Llama3Regex => new LlamaSplitPattern(pattern, 3),
        Qwen2Regex => new LlamaSplitPattern(pattern, 1),
        _ => null,
    };

    public override void Matches(string text, List<(int Start, int End)> output)
    {
        for (int position = 0; position < text.Length;)
        {
            int end = MatchEnd(text, position);
            output.Add((position, end));
            position = end;
        }
    }

    /// <summary>Where the match that starts at <paramref name="start"/> ends.</summary>
    private int MatchEnd(string text, int start)
    {
        char c = text[start];
        if (c == '\'' && ContractionEnd(text, start) is int contraction and > 0)
        {
            return contraction;
        }
        var cls = ScanClassifier.Classify(text, start, out int width);
        int next = start + width;
        switch (cls)
        {
            case ScanClass.Letter:
                return RunEnd(text, next, ScanClass.Letter);
            case ScanClass.Number:
            {
                int end = next;
                for (int digits = 1; digits < _maxDigits && end < text.Length; digits++)
                {
                    if (ScanClassifier.Classify(text, end, out int w) != ScanClass.Number)
                    {
                        break;
                    }
                    end += w;
                }
                return end;
            }
        }
        // [^\r\n\p{L}\p{N}]?\p{L}+ with the optional scalar present.
        bool isNewline = c is '\r' or '\n';
        if (!isNewline && next < text.Length && ScanClassifier.Classify(text, next, out _) == ScanClass.Letter)
        {
            return RunEnd(text, next, ScanClass.Letter);
        }
        if (cls == ScanClass.Other)
        {
            return NewlinesEnd(text, RunEnd(text, next, ScanClass.Other));
        }
        // cls is Space from here on.
        if (c == ' ' && next < text.Length && ScanClassifier.Classify(text, next, out int otherWidth) == ScanClass.Other)
        {
            return NewlinesEnd(text, RunEnd(text, next + otherWidth, ScanClass.Other));
        }
        int runEnd = RunEnd(text, next, ScanClass.Space);
        for (int k = runEnd - 1; k >= start; k--)
        {
            if (text[k] is '\r' or '\n')
            {
                return k + 1; // \s*[\r\n]+
            }
        }
        if (runEnd == text.Length || runEnd - start == 1)
        {
            return runEnd; // \s+(?!\S) to the end of the text, or \s+ for one char
        }
        return runEnd - 1; // \s+(?!\S): leave the last whitespace char to lead the next match
    }

    private static int ContractionEnd(string text, int start)
    {
        if (start + 1 >= text.Length)
        {
            return 0;
        }
        char a = Fold(text[start + 1]);
        if (a is 's' or 't' or 'm' or 'd')
        {
            return start + 2;
        }
        if (start + 2 >= text.Length)
        {
            return 0;
        }
        char b = Fold(text[start + 2]);
        return (a, b) is ('r', 'e') or ('v', 'e') or ('l', 'l') ? start + 3 : 0;
    }

    /// <summary>The case-insensitive comparison of the regex for the letters of the contractions: ASCII case only.</summary>
    private static char Fold(char c) => char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;

    private static int NewlinesEnd(string text, int position)
    {
        while (position < text.Length && text[position] is '\r' or '\n')
        {
            position++;
        }
        return position;
    }

    private static int RunEnd(string text, int position, ScanClass cls)
    {
        while (position < text.Length && ScanClassifier.Classify(text, position, out int width) == cls)
        {
            position += width;
        }
        return position;
    }
}
