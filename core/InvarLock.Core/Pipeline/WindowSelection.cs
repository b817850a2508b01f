using InvarLock.Core.Canonical;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Pipeline;

/// <summary>The plan's first stage: which windows of the token stream are evaluated. The stream is cut into the
/// windows that fit (<see cref="SequenceLength"/> tokens every <see cref="Stride"/> tokens from token 0) and
/// <c>preview + final</c> of them are taken at evenly spaced positions over the whole stream (window
/// <c>k</c> of <c>T</c> is the fitted window ⌊(2k + 1)·M / 2T⌋ of <c>M</c>), so the plan samples the whole dataset, not
/// its head. With stride = sequence length the chosen windows never overlap. Which arm each window belongs to is
/// decided later by <see cref="ArmBalancer"/>.
/// <para><b>BOS.</b> When the baseline's tokenizer prepends BOS (<see cref="BosTokenId"/> set), every window is that id
/// followed by <c>SequenceLength − 1</c> stream tokens: windows are fitted on <see cref="TextTokens"/> and still start
/// every <see cref="Stride"/> stream tokens, so each window scores the same number of tokens as without BOS
/// (docs/tokenizers.md, "Windows and BOS").</para></summary>
public sealed class WindowSelection
{
    private WindowSelection(int sequenceLength, int stride, long streamTokens, int previewCount, IReadOnlyList<EvaluationWindow> windows,
        int? bosTokenId)
    {
        BosTokenId = bosTokenId;
        SequenceLength = sequenceLength;
        Stride = stride;
        StreamTokens = streamTokens;
        PreviewCount = previewCount;
        Windows = windows;
    }

    public int SequenceLength { get; }
    public int Stride { get; }
    public long StreamTokens { get; }

    /// <summary>The id every window starts with, or null when windows are stream tokens only.</summary>
    public int? BosTokenId { get; }

    /// <summary>Stream tokens per window: <see cref="SequenceLength"/>, less one when windows start with BOS.</summary>
    public int TextTokens => TextTokensPerWindow(SequenceLength, BosTokenId is not null);

    /// <summary>Stream tokens in a window of <paramref name="sequenceLength"/> ids: one fewer when BOS is prepended.</summary>
    public static int TextTokensPerWindow(int sequenceLength, bool bosPrepended) => bosPrepended ? sequenceLength - 1 : sequenceLength;

    /// <summary>Windows the preview arm will hold (the rest go to the final arm).</summary>
    public int PreviewCount { get; }

    /// <summary>The chosen windows, in stream order (ascending id).</summary>
    public IReadOnlyList<EvaluationWindow> Windows { get; }

    /// <summary>Number of windows that fit in a stream of <paramref name="tokens"/> tokens.</summary>
    public static long WindowsThatFit(long tokens, int sequenceLength, int stride) =>
        tokens < sequenceLength ? 0 : (tokens - sequenceLength) / stride + 1;

    /// <summary>The ids of <paramref name="total"/> windows spread evenly over <paramref name="fit"/> fitted windows,
    /// ascending: ⌊(2k + 1)·fit / 2·total⌋ for k = 0 … total − 1 (distinct whenever fit ≥ total).</summary>
    public static int[] SpreadIds(long fit, int total)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(total, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(fit, total);
        var ids = new int[total];
        for (int k = 0; k < total; k++)
        {
            ids[k] = checked((int)((2L * k + 1) * fit / (2L * total)));
        }
        return ids;
    }

    /// <summary>Chooses the windows of <paramref name="stream"/>.</summary>
    /// <param name="stream">The dataset's token ids, in order.</param>
    /// <param name="sequenceLength">Tokens per window (≥ 2).</param>
    /// <param name="stride">Tokens between fitted window starts (1 … sequenceLength; equal means non-overlapping).</param>
    /// <param name="previewCount">Windows in the preview arm.</param>
    /// <param name="finalCount">Windows in the final arm.</param>
    /// <param name="source">Names the dataset in the error when too few windows fit.</param>
    /// <param name="bosTokenId">The id every window starts with (the baseline tokenizer's BOS when it prepends one), or null.</param>
    public static WindowSelection Create(ReadOnlySpan<int> stream, int sequenceLength, int stride, int previewCount, int finalCount, string source,
        int? bosTokenId = null)
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
        if (bosTokenId is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bosTokenId), bosTokenId, "A BOS id is not negative.");
        }
        int text = TextTokensPerWindow(sequenceLength, bosTokenId is not null);
        long fit = WindowsThatFit(stream.Length, text, stride);
        long needed = (long)previewCount + finalCount;
        if (fit < needed)
        {
            throw new InvarLockException(ErrorCodes.DatasetError,
                $"{source}: {stream.Length} tokens fit {fit} windows of {text} tokens (stride {stride}{(bosTokenId is null ? "" : ", after BOS")}); the plan needs {needed} ({previewCount} preview + {finalCount} final)");
        }
        int[] ids = SpreadIds(fit, (int)needed);
        var windows = new EvaluationWindow[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            long start = (long)ids[i] * stride;
            var tokens = new int[sequenceLength];
            if (bosTokenId is int bos)
            {
                tokens[0] = bos;
            }
            stream.Slice((int)start, text).CopyTo(tokens.AsSpan(sequenceLength - text));
            windows[i] = new EvaluationWindow(ids[i], start, tokens, Digests.TokenIdsSha256(tokens));
        }
        return new WindowSelection(sequenceLength, stride, stream.Length, previewCount, windows, bosTokenId);
    }
}
