using System.Text;
using InvarLock.Numerics;

namespace InvarLock.Data.Synthetic;

/// <summary>Deterministic English-like text from a seed: sentences from a fixed word list with a Zipf-like
/// preference, digits, punctuation and paragraph breaks. The same seed gives the same text on every platform.</summary>
public static class SyntheticCorpus
{
    private static readonly string[] Words =
    [
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
        "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
        "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who",
        "so", "no", "model", "weight", "layer", "token", "window", "guard", "edit", "baseline", "subject", "quantized",
        "matrix", "value", "signal", "river", "mountain", "city", "garden", "music", "history", "science", "language",
        "system", "number", "table", "season", "winter", "summer", "journey", "village", "station", "engine", "harbor",
        "forest", "letter", "market", "school", "teacher", "student", "record", "energy", "light", "water", "stone",
        "bridge", "island", "country", "northern", "ancient", "modern", "small", "large", "early", "late", "first",
        "second", "new", "old", "great", "little", "long", "high", "open", "public", "local", "national", "natural",
        "built", "found", "made", "known", "called", "used", "became", "played", "wrote", "moved", "opened", "grew",
        "carried", "measured", "returned", "changed", "between", "after", "before", "during", "under", "over", "about",
        "through", "against", "within", "without", "because", "although", "while", "where", "until", "since",
    ];

    /// <summary>Generates at least <paramref name="minCharacters"/> characters of text from <paramref name="seed"/>.</summary>
    public static string Generate(int seed, int minCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minCharacters);
        var rng = new SplitMix64(unchecked((ulong)seed * 0x2545F4914F6CDD1DUL + 0x5851F42D4C957F2DUL));
        var sb = new StringBuilder(minCharacters + 256);
        int sentencesInParagraph = 0;
        while (sb.Length < minCharacters)
        {
            AppendSentence(sb, ref rng);
            sentencesInParagraph++;
            if (sentencesInParagraph >= 3 + rng.NextIntMultiplyShift(4))
            {
                sb.Append('\n', 1 + rng.NextIntMultiplyShift(2));
                sentencesInParagraph = 0;
            }
            else
            {
                sb.Append(' ');
            }
        }
        return sb.ToString();
    }

    private static void AppendSentence(StringBuilder sb, ref SplitMix64 rng)
    {
        int length = 5 + rng.NextIntMultiplyShift(14);
        for (int i = 0; i < length; i++)
        {
            if (i > 0)
            {
                sb.Append(rng.NextIntMultiplyShift(12) == 0 ? ", " : " ");
            }
            int roll = rng.NextIntMultiplyShift(40);
            if (roll == 0)
            {
                sb.Append(1 + rng.NextIntMultiplyShift(2025));
                continue;
            }
            string word = Words[Zipf(ref rng)];
            if (i == 0)
            {
                sb.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            }
            else
            {
                sb.Append(word);
            }
        }
        sb.Append(rng.NextIntMultiplyShift(10) switch { 0 => '?', 1 => '!', _ => '.' });
    }

    private static int Zipf(ref SplitMix64 rng)
    {
        // Squaring a uniform draw favours low indices (frequent words) without any floating-point library call.
        double u = rng.NextDouble();
        int index = (int)(u * u * Words.Length);
        return Math.Min(index, Words.Length - 1);
    }
}
