using System.Runtime.InteropServices;
using InvarLock.Core.Statistics;

namespace InvarLock.Core.Pipeline;

/// <summary>A model-free difficulty score for text: the mean surprisal (nats per byte) of each text's bytes under a
/// byte 4-gram model with add-one smoothing whose counts are pooled over all the texts scored together.</summary>
/// <remarks>Each text is read as UTF-8 bytes behind three pad symbols (256), so a context is three symbols of 257.
/// For each byte b after context c: p = (count(c, b) + 1) / (count(c) + 257), and the score is the mean of −ln p
/// (0 for an empty text). Logarithms come from <see cref="DeterministicMath"/> and sums run in byte order, so the
/// scores are the same bits on every OS and CPU.</remarks>
internal static class ByteNgramDifficulty
{
    /// <summary>Bytes in an n-gram (three of context, one predicted).</summary>
    public const int Order = 4;

    /// <summary>Symbols: the 256 byte values and the pad.</summary>
    public const int Symbols = 257;

    private const int Pad = 256;

    /// <summary>Scores every text against counts pooled over all of them.</summary>
    public static double[] Score(IReadOnlyList<byte[]> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var contexts = new Dictionary<int, int>();
        var grams = new Dictionary<long, int>();
        foreach (byte[] text in texts)
        {
            int c0 = Pad, c1 = Pad, c2 = Pad;
            foreach (byte b in text)
            {
                int context = (c0 * Symbols + c1) * Symbols + c2;
                CollectionsMarshal.GetValueRefOrAddDefault(contexts, context, out _)++;
                CollectionsMarshal.GetValueRefOrAddDefault(grams, (long)context * Symbols + b, out _)++;
                (c0, c1, c2) = (c1, c2, b);
            }
        }

        var scores = new double[texts.Count];
        for (int t = 0; t < texts.Count; t++)
        {
            byte[] text = texts[t];
            if (text.Length == 0)
            {
                continue;
            }

            int c0 = Pad, c1 = Pad, c2 = Pad;
            double sum = 0;
            foreach (byte b in text)
            {
                int context = (c0 * Symbols + c1) * Symbols + c2;
                sum += DeterministicMath.Log(contexts[context] + (double)Symbols) - DeterministicMath.Log(grams[(long)context * Symbols + b] + 1.0);
                (c0, c1, c2) = (c1, c2, b);
            }

            scores[t] = sum / text.Length;
        }

        return scores;
    }

    /// <summary>Mean and population standard deviation, summed in list order (the report and <c>verify</c> both use
    /// this, so the stored figures recompute bit for bit).</summary>
    public static (double Mean, double Std) MeanAndStd(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return (0, 0);
        }

        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        double mean = sum / values.Count;
        double squares = 0;
        foreach (double v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return (mean, Math.Sqrt(squares / values.Count));
    }
}
