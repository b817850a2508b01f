using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>The deterministic windows of an evaluation, drawn from the whole token stream and dealt to two arms of
/// equal difficulty (method <see cref="MethodName"/>).</summary>
/// <remarks>
/// <para>1. The grid: windows of <see cref="SequenceLength"/> tokens start every <see cref="Stride"/> tokens from token 0
/// (all non-overlapping windows when stride = sequence length). 2. Candidates: C = min(grid, total + 2·reserve) windows,
/// reserve = max(16, ⌊total/10⌋), candidate j at grid index ⌊(2j+1)·grid / 2C⌋, so they cover the stream from its
/// beginning to its end. 3. Difficulty: each candidate's decoded text is scored by <see cref="ByteNgramDifficulty"/>
/// (counts pooled over all candidates). 4. Selection: candidates sorted by (difficulty, grid index); window k of the
/// total is the rank nearest round-half-even((k + ½)·C / total) not yet taken. 5. Dealing: the selected windows, easiest
/// first, are dealt in pairs (easy, hard): even pairs easy → preview, hard → final; odd pairs the other way; a full arm
/// passes its window to the other. 6. Balancing: while the arms' mean difficulties differ by more than 1e-4 (at most
/// 100 times), swap preview's easiest with final's hardest (or the reverse) when that narrows the gap. Each arm is
/// then listed by start token.</para>
/// <para>With stride &lt; sequence length the grid overlaps, so neighbouring candidates can share tokens; the report's
/// overlap fraction and the <c>window_overlap</c> gate say so.</para>
/// </remarks>
public sealed class WindowPlan
{
    /// <summary>The plan method recorded in the report.</summary>
    public const string MethodName = "stratified_byte_ngram";

    /// <summary>Largest |mean difficulty gap| the balancing step leaves alone.</summary>
    public const double BalanceTolerance = 1e-4;

    /// <summary>Most swaps the balancing step tries.</summary>
    public const int MaxBalanceSwaps = 100;

    private WindowPlan(int sequenceLength, int stride, long streamTokens, IReadOnlyList<EvaluationWindow> preview,
        IReadOnlyList<EvaluationWindow> final, WindowStratification stratification)
    {
        SequenceLength = sequenceLength;
        Stride = stride;
        StreamTokens = streamTokens;
        Preview = preview;
        Final = final;
        Stratification = stratification;
    }

    public int SequenceLength { get; }
    public int Stride { get; }
    public long StreamTokens { get; }
    public IReadOnlyList<EvaluationWindow> Preview { get; }
    public IReadOnlyList<EvaluationWindow> Final { get; }

    /// <summary>How the windows were chosen and how well the arms balance.</summary>
    public WindowStratification Stratification { get; }

    /// <summary>Fraction of each window shared with the next grid window (0 when stride ≥ sequence length).</summary>
    public double OverlapFraction => Stride >= SequenceLength ? 0 : (SequenceLength - Stride) / (double)SequenceLength;

    /// <summary>Number of windows that fit in a stream of <paramref name="tokens"/> tokens.</summary>
    public static long WindowsThatFit(long tokens, int sequenceLength, int stride) =>
        tokens < sequenceLength ? 0 : (tokens - sequenceLength) / stride + 1;

    /// <summary>Loads the dataset, tokenizes its documents into one stream and plans the windows over it.</summary>
    /// <param name="dataset">The provider.</param>
    /// <param name="datasetPath">The provider's file, when it reads one.</param>
    /// <param name="seed">The run's seed (generated providers use it).</param>
    /// <param name="tokenizer">Encodes the documents and decodes windows for the difficulty score.</param>
    /// <param name="sequenceLength">Tokens per window.</param>
    /// <param name="stride">Tokens between grid starts.</param>
    /// <param name="previewCount">Windows in the preview arm.</param>
    /// <param name="finalCount">Windows in the final arm.</param>
    public static (DatasetContent Content, WindowPlan Plan) FromDataset(IDatasetProvider dataset, string? datasetPath, int seed,
        ITokenizer tokenizer, int sequenceLength, int stride, int previewCount, int finalCount)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(tokenizer);
        CheckSettings(sequenceLength, stride, previewCount, finalCount);
        long tokensNeeded = (long)(previewCount + finalCount - 1) * stride + sequenceLength;
        // Generated providers honour a size hint; grow it until the stream is long enough (bounded attempts).
        int hint = (int)Math.Min(int.MaxValue / 2, Math.Max(4096, tokensNeeded * 6));
        for (int attempt = 0; ; attempt++)
        {
            DatasetContent content = dataset.Load(new DatasetSpec(datasetPath, seed, hint));
            var stream = new List<int>();
            foreach (string doc in content.Documents)
            {
                stream.AddRange(tokenizer.Encode(doc));
            }

            if (stream.Count >= tokensNeeded || datasetPath is not null || attempt == 3 || hint >= int.MaxValue / 4)
            {
                int[] ids = stream.ToArray();
                return (content, Create(ids, tokenizer, sequenceLength, stride, previewCount, finalCount, content.Source));
            }

            hint *= 2;
        }
    }

    /// <summary>Plans the windows over <paramref name="stream"/>.</summary>
    /// <param name="stream">The dataset's token ids, in order.</param>
    /// <param name="tokenizer">Decodes each candidate window to text for the difficulty score.</param>
    /// <param name="sequenceLength">Tokens per window (≥ 2).</param>
    /// <param name="stride">Tokens between grid starts (1 … sequenceLength; equal means non-overlapping).</param>
    /// <param name="previewCount">Windows in the preview arm.</param>
    /// <param name="finalCount">Windows in the final arm.</param>
    /// <param name="source">Names the dataset in the error when too few windows fit.</param>
    public static WindowPlan Create(ReadOnlySpan<int> stream, ITokenizer tokenizer, int sequenceLength, int stride, int previewCount,
        int finalCount, string source)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        CheckSettings(sequenceLength, stride, previewCount, finalCount);
        long grid = WindowsThatFit(stream.Length, sequenceLength, stride);
        int total = previewCount + finalCount;
        if (grid < total)
        {
            throw new InvarLockException(ErrorCodes.DatasetError,
                $"{source}: {stream.Length} tokens fit {grid} windows of {sequenceLength} tokens (stride {stride}); the plan needs {total} ({previewCount} preview + {finalCount} final)");
        }

        // Candidates spread evenly over the whole grid, scored on their decoded bytes.
        int reserve = Math.Max(16, total / 10);
        int count = (int)Math.Min(grid, total + 2L * reserve);
        var candidates = new Candidate[count];
        var texts = new byte[count][];
        for (int j = 0; j < count; j++)
        {
            long index = (2L * j + 1) * grid / (2L * count);
            int[] tokens = stream.Slice((int)(index * stride), sequenceLength).ToArray();
            texts[j] = Encoding.UTF8.GetBytes(tokenizer.Decode(tokens));
            candidates[j] = new Candidate((int)index, tokens, 0);
        }

        double[] difficulty = ByteNgramDifficulty.Score(texts);
        for (int j = 0; j < count; j++)
        {
            candidates[j] = candidates[j] with { Difficulty = difficulty[j] };
        }

        Array.Sort(candidates, CompareDifficulty);
        List<Candidate> selected = SelectEvenlySpacedRanks(candidates, total);
        var (preview, final) = Deal(selected, previewCount, finalCount);
        int swaps = Balance(preview, final);
        preview.Sort((a, b) => a.Index.CompareTo(b.Index));
        final.Sort((a, b) => a.Index.CompareTo(b.Index));

        List<EvaluationWindow> previewWindows = Windows(preview, WindowArm.Preview, stride);
        List<EvaluationWindow> finalWindows = Windows(final, WindowArm.Final, stride);
        var (pm, ps) = ByteNgramDifficulty.MeanAndStd(Difficulties(previewWindows));
        var (fm, fs) = ByteNgramDifficulty.MeanAndStd(Difficulties(finalWindows));
        return new WindowPlan(sequenceLength, stride, stream.Length, previewWindows, finalWindows,
            new WindowStratification(MethodName, grid, count, swaps, pm, fm, ps, fs));
    }

    /// <summary>The difficulty scores of <paramref name="windows"/>, in order.</summary>
    public static IReadOnlyList<double> Difficulties(IReadOnlyList<EvaluationWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var list = new double[windows.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = windows[i].Difficulty;
        }

        return list;
    }

    /// <summary>SHA-256 (lower-case hex) over token ids as 4-byte little-endian unsigned integers.</summary>
    public static string HashTokens(ReadOnlySpan<int> tokens)
    {
        byte[] bytes = new byte[tokens.Length * 4];
        for (int i = 0; i < tokens.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), unchecked((uint)tokens[i]));
        }
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Token ids of the windows of one arm, as memory for <see cref="Sdk.Models.IModel.Evaluate"/>.</summary>
    public static IReadOnlyList<ReadOnlyMemory<int>> AsMemory(IReadOnlyList<EvaluationWindow> windows)
    {
        var list = new ReadOnlyMemory<int>[windows.Count];
        for (int i = 0; i < windows.Count; i++)
        {
            list[i] = windows[i].Tokens;
        }
        return list;
    }

    private static void CheckSettings(int sequenceLength, int stride, int previewCount, int finalCount)
    {
        if (sequenceLength < 2)
        {
            throw new InvarLockException(ErrorCodes.Usage, $"--seq-len {sequenceLength}: must be at least 2");
        }
        if (stride < 1 || stride > sequenceLength)
        {
            throw new InvarLockException(ErrorCodes.Usage, $"--stride {stride}: must be between 1 and --seq-len ({sequenceLength})");
        }
        if (previewCount < 1 || finalCount < 1)
        {
            throw new InvarLockException(ErrorCodes.Usage, $"--preview-n {previewCount} / --final-n {finalCount}: each arm needs at least 1 window");
        }
        if ((long)previewCount + finalCount > int.MaxValue / 4)
        {
            throw new InvarLockException(ErrorCodes.Usage, $"--preview-n {previewCount} / --final-n {finalCount}: too many windows");
        }
    }

    private static int CompareDifficulty(Candidate a, Candidate b)
    {
        int byDifficulty = a.Difficulty.CompareTo(b.Difficulty);
        return byDifficulty != 0 ? byDifficulty : a.Index.CompareTo(b.Index);
    }

    /// <summary>Window k of <paramref name="total"/> takes the free rank nearest round-half-even((k + ½)·C / total),
    /// searching base, base − 1, base + 1, … ; returned in rank order.</summary>
    private static List<Candidate> SelectEvenlySpacedRanks(Candidate[] sorted, int total)
    {
        int c = sorted.Length;
        var taken = new bool[c];
        for (int k = 0; k < total; k++)
        {
            // (2k + 1)·C / (2·total), rounded half to even, in exact integer arithmetic.
            long numerator = (2L * k + 1) * c;
            long denominator = 2L * total;
            long quotient = numerator / denominator;
            long twiceRemainder = 2 * (numerator % denominator);
            if (twiceRemainder > denominator || (twiceRemainder == denominator && quotient % 2 == 1))
            {
                quotient++;
            }

            for (long offset = 0; offset < c; offset++)
            {
                long up = quotient + offset, down = quotient - offset;
                if (up < c && !taken[up])
                {
                    taken[up] = true;
                    break;
                }
                if (down >= 0 && down < c && !taken[down])
                {
                    taken[down] = true;
                    break;
                }
            }
        }

        var selected = new List<Candidate>(total);
        for (int r = 0; r < c; r++)
        {
            if (taken[r])
            {
                selected.Add(sorted[r]);
            }
        }

        return selected;
    }

    /// <summary>Deals the windows (easiest first) in (easy, hard) pairs, alternating which arm gets the easy one.</summary>
    private static (List<Candidate> Preview, List<Candidate> Final) Deal(List<Candidate> selected, int previewCount, int finalCount)
    {
        var preview = new List<Candidate>(previewCount);
        var final = new List<Candidate>(finalCount);
        void Give(Candidate w, bool toPreview)
        {
            if (toPreview ? preview.Count < previewCount : final.Count >= finalCount)
            {
                preview.Add(w);
            }
            else
            {
                final.Add(w);
            }
        }

        for (int i = 0, pair = 0; i < selected.Count; i += 2, pair++)
        {
            bool easyToPreview = pair % 2 == 0;
            Give(selected[i], easyToPreview);
            if (i + 1 < selected.Count)
            {
                Give(selected[i + 1], !easyToPreview);
            }
        }

        return (preview, final);
    }

    /// <summary>Swaps the extreme windows between the arms while that narrows the mean-difficulty gap; returns the swaps kept.</summary>
    private static int Balance(List<Candidate> preview, List<Candidate> final)
    {
        int kept = 0;
        double gap = MeanDifficulty(preview) - MeanDifficulty(final);
        for (int iteration = 0; iteration < MaxBalanceSwaps && Math.Abs(gap) > BalanceTolerance; iteration++)
        {
            // Preview easier (gap < 0): give it final's hardest for its easiest; otherwise the reverse.
            int p = Extreme(preview, hardest: gap >= 0);
            int f = Extreme(final, hardest: gap < 0);
            (preview[p], final[f]) = (final[f], preview[p]);
            double next = MeanDifficulty(preview) - MeanDifficulty(final);
            if (Math.Abs(next) >= Math.Abs(gap) - 1e-6)
            {
                (preview[p], final[f]) = (final[f], preview[p]);
                break;
            }

            gap = next;
            kept++;
        }

        return kept;
    }

    private static int Extreme(List<Candidate> arm, bool hardest)
    {
        int best = 0;
        for (int i = 1; i < arm.Count; i++)
        {
            int order = CompareDifficulty(arm[i], arm[best]);
            if (hardest ? order > 0 : order < 0)
            {
                best = i;
            }
        }

        return best;
    }

    private static double MeanDifficulty(List<Candidate> arm)
    {
        double sum = 0;
        foreach (Candidate c in arm)
        {
            sum += c.Difficulty;
        }

        return arm.Count == 0 ? 0 : sum / arm.Count;
    }

    private static List<EvaluationWindow> Windows(List<Candidate> arm, WindowArm which, int stride)
    {
        var list = new List<EvaluationWindow>(arm.Count);
        foreach (Candidate c in arm)
        {
            list.Add(new EvaluationWindow(c.Index, which, (long)c.Index * stride, c.Tokens, HashTokens(c.Tokens), c.Difficulty));
        }

        return list;
    }

    private readonly record struct Candidate(int Index, int[] Tokens, double Difficulty);
}
