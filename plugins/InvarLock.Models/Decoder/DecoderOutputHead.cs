using InvarLock.Compute;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Decoder;

/// <summary>A decoder's LM head (<c>[vocab, hidden]</c>, tied or not) as an <see cref="IOutputHead"/>: logits for a block
/// of vocabulary columns are one GEMM over the head rows of those columns, with half-precision heads widened while
/// packing. A head taken from a model views its weights (valid while the model is); <see cref="Detach"/> copies them.</summary>
internal sealed class DecoderOutputHead : IOutputHead
{
    private WeightView _weights;
    private readonly bool _owned;

    internal DecoderOutputHead(WeightView weights, int hidden, int vocab, int threads, bool owned = false)
    {
        if (weights.Length != (long)hidden * vocab)
        {
            throw new ArgumentException("head weights must hold vocab × hidden values", nameof(weights));
        }
        _weights = weights;
        Hidden = hidden;
        Vocab = vocab;
        Threads = Math.Max(1, threads);
        _owned = owned;
    }

    public int Hidden { get; }

    public int Vocab { get; }

    public int ColumnBlock => DecoderForward.VocabChunk;

    public int Threads { get; }

    public void Logits(ReadOnlySpan<float> hidden, int rows, int columnStart, int columns, Span<float> logits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columnStart);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnStart + columns, Vocab);
        if (hidden.Length < rows * Hidden || logits.Length < rows * columns)
        {
            throw new ArgumentException("hidden or logits is too short for rows × width");
        }
        if (rows == 0 || columns == 0)
        {
            return;
        }
        int d = Hidden;
        WeightView head = _weights.Slice((long)columnStart * d, (long)columns * d);
        if (head.IsHalf)
        {
            Gemm.Multiply(false, true, rows, columns, d, hidden, d, head.Halves, head.Format, d, logits, columns, threads: Threads);
        }
        else
        {
            Gemm.Multiply(false, true, rows, columns, d, hidden, d, head.Floats, d, logits, columns, threads: Threads);
        }
    }

    public IOutputHead Detach()
    {
        WeightView copy = _weights.IsHalf
            ? WeightView.OfHalves(_weights.Halves.ToArray(), _weights.Format)
            : WeightView.OfFloats(_weights.Floats.ToArray());
        return new DecoderOutputHead(copy, Hidden, Vocab, Threads, owned: true);
    }

    /// <summary>A detached copy is managed memory, released with the object; a model's own head owns nothing.</summary>
    public void Dispose()
    {
        if (_owned)
        {
            _weights = default;
        }
    }
}
