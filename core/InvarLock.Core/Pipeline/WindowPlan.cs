using System.Buffers.Binary;
using System.Security.Cryptography;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Pipeline;

/// <summary>The deterministic windows of an evaluation: the token stream cut into windows of <see cref="SequenceLength"/>
/// tokens every <see cref="Stride"/> tokens from token 0; windows alternate between the arms (even-numbered to preview,
/// odd-numbered to final; once an arm is full the other takes the rest) until each arm holds its count, so both arms
/// sample the whole stream.</summary>
public sealed class WindowPlan
{
    private WindowPlan(int sequenceLength, int stride, long streamTokens, IReadOnlyList<EvaluationWindow> preview,
        IReadOnlyList<EvaluationWindow> final)
    {
        SequenceLength = sequenceLength;
        Stride = stride;
        StreamTokens = streamTokens;
        Preview = preview;
        Final = final;
    }

    public int SequenceLength { get; }
    public int Stride { get; }
    public long StreamTokens { get; }
    public IReadOnlyList<EvaluationWindow> Preview { get; }
    public IReadOnlyList<EvaluationWindow> Final { get; }

    /// <summary>Fraction of each window shared with the next (0 when stride ≥ sequence length).</summary>
    public double OverlapFraction => Stride >= SequenceLength ? 0 : (SequenceLength - Stride) / (double)SequenceLength;

    /// <summary>Number of windows that fit in a stream of <paramref name="tokens"/> tokens.</summary>
    public static long WindowsThatFit(long tokens, int sequenceLength, int stride) =>
        tokens < sequenceLength ? 0 : (tokens - sequenceLength) / stride + 1;

    /// <summary>Cuts <paramref name="stream"/> into the plan.</summary>
    /// <param name="stream">The dataset's token ids, in order.</param>
    /// <param name="sequenceLength">Tokens per window (≥ 2).</param>
    /// <param name="stride">Tokens between window starts (1 … sequenceLength; equal means non-overlapping).</param>
    /// <param name="previewCount">Windows in the preview arm.</param>
    /// <param name="finalCount">Windows in the final arm.</param>
    /// <param name="source">Names the dataset in the error when too few windows fit.</param>
    public static WindowPlan Create(ReadOnlySpan<int> stream, int sequenceLength, int stride, int previewCount, int finalCount, string source)
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
        long fit = WindowsThatFit(stream.Length, sequenceLength, stride);
        long needed = (long)previewCount + finalCount;
        if (fit < needed)
        {
            throw new InvarLockException(ErrorCodes.DatasetError,
                $"{source}: {stream.Length} tokens fit {fit} windows of {sequenceLength} tokens (stride {stride}); the plan needs {needed} ({previewCount} preview + {finalCount} final)");
        }
        var preview = new List<EvaluationWindow>(previewCount);
        var final = new List<EvaluationWindow>(finalCount);
        for (int k = 0; preview.Count < previewCount || final.Count < finalCount; k++)
        {
            bool toPreview = k % 2 == 0 ? preview.Count < previewCount : final.Count >= finalCount;
            long start = (long)k * stride;
            int[] tokens = stream.Slice((int)start, sequenceLength).ToArray();
            var window = new EvaluationWindow(k, toPreview ? WindowArm.Preview : WindowArm.Final, start, tokens, HashTokens(tokens));
            (toPreview ? preview : final).Add(window);
        }
        return new WindowPlan(sequenceLength, stride, stream.Length, preview, final);
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
}
