using InvarLock.Numerics;

namespace InvarLock.Metrics;

/// <summary>The masked-LM masks of one window (evaluation.md §2.7's scheme with our own deterministic draw): each
/// non-special position is selected with probability <see cref="SelectProbability"/>; a selected position becomes the
/// mask id (80%), a uniformly random id in [0, vocab) (10%) or stays (10%); its target is the original token. When nothing
/// is selected the middle candidate is (so every window with a candidate scores at least one). Every draw comes from a
/// <see cref="SplitMix64"/> stream seeded by (seed, the window's tokens, the position) alone, so two models scored on the
/// same windows with the same seed get the same masks, whatever the window order, batching or thread count.</summary>
internal sealed class MaskedLmMasks
{
    /// <summary>The selection probability (BERT's 15%).</summary>
    internal const double SelectProbability = 0.15;

    /// <summary>Of the selected positions, the share replaced by the mask id.</summary>
    internal const double MaskShare = 0.8;

    /// <summary>Of the selected positions, the share replaced by a random id (the rest keep their token).</summary>
    internal const double RandomShare = 0.1;

    private MaskedLmMasks(int[] input, int[] positions, int[] targets)
    {
        Input = input;
        Positions = positions;
        Targets = targets;
    }

    /// <summary>The window as the model sees it (selected positions replaced).</summary>
    internal int[] Input { get; }

    /// <summary>The selected positions, ascending.</summary>
    internal int[] Positions { get; }

    /// <summary>The original token at each selected position.</summary>
    internal int[] Targets { get; }

    /// <summary>Draws the masks of <paramref name="window"/>.</summary>
    /// <param name="window">The window's token ids.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="maskId">The tokenizer's mask id.</param>
    /// <param name="vocab">Random replacements are drawn from [0, vocab).</param>
    /// <param name="isSpecial">Positions holding these ids are never selected.</param>
    internal static MaskedLmMasks Draw(ReadOnlySpan<int> window, int seed, int maskId, int vocab, Func<int, bool> isSpecial)
    {
        ulong key = WindowKey(window, seed);
        int[] input = window.ToArray();
        var positions = new List<int>();
        var candidates = new List<int>();
        for (int t = 0; t < window.Length; t++)
        {
            if (isSpecial(window[t]))
            {
                continue;
            }
            candidates.Add(t);
            SplitMix64 rng = PositionStream(key, t);
            if (rng.NextDouble() < SelectProbability)
            {
                positions.Add(t);
                input[t] = Replacement(ref rng, window[t], maskId, vocab);
            }
        }
        if (positions.Count == 0 && candidates.Count > 0)
        {
            int t = candidates[candidates.Count / 2];
            SplitMix64 rng = PositionStream(key, t);
            rng.NextDouble(); // the selection draw, as for any position
            positions.Add(t);
            input[t] = Replacement(ref rng, window[t], maskId, vocab);
        }
        int[] targets = new int[positions.Count];
        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = window[positions[i]];
        }
        return new MaskedLmMasks(input, positions.ToArray(), targets);
    }

    private static int Replacement(ref SplitMix64 rng, int original, int maskId, int vocab)
    {
        double u = rng.NextDouble();
        if (u < MaskShare)
        {
            return maskId;
        }
        return u < MaskShare + RandomShare ? rng.NextInt(vocab) : original;
    }

    /// <summary>A 64-bit key of (seed, tokens): the seed and each token in turn folded through SplitMix64's mix.</summary>
    private static ulong WindowKey(ReadOnlySpan<int> window, int seed)
    {
        ulong key = new SplitMix64(unchecked((ulong)seed)).NextUInt64();
        foreach (int token in window)
        {
            key = new SplitMix64(key ^ unchecked((uint)token)).NextUInt64();
        }
        return new SplitMix64(key ^ unchecked((ulong)window.Length)).NextUInt64();
    }

    private static SplitMix64 PositionStream(ulong key, int position) =>
        new(new SplitMix64(key ^ unchecked((ulong)position * 0xD1B54A32D192ED03UL)).NextUInt64());
}
