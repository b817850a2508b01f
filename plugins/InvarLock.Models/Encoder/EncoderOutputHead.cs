using InvarLock.Compute;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Encoder;

/// <summary>A masked-LM encoder's tied decoder as an <see cref="IOutputHead"/>: <c>logits = hidden · Eᵀ + bias</c> with E
/// the word embedding <c>[vocab, hidden]</c>, one GEMM per block of vocabulary columns (half-precision tables widened
/// while packing). A head taken from a model views its weights; <see cref="Detach"/> copies them.</summary>
internal sealed class EncoderOutputHead : IOutputHead
{
    private WeightView _weights;
    private float[] _bias;
    private readonly bool _owned;

    internal EncoderOutputHead(WeightView weights, float[] bias, int hidden, int vocab, int threads, bool owned = false)
    {
        if (weights.Length != (long)hidden * vocab || bias.Length != vocab)
        {
            throw new ArgumentException("head weights must hold vocab × hidden values and the bias vocab values", nameof(weights));
        }
        _weights = weights;
        _bias = bias;
        Hidden = hidden;
        Vocab = vocab;
        Threads = Math.Max(1, threads);
        _owned = owned;
    }

    public int Hidden { get; }

    public int Vocab { get; }

    public int ColumnBlock => EncoderForward.VocabChunk;

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
        ReadOnlySpan<float> bias = _bias.AsSpan(columnStart, columns);
        if (head.IsHalf)
        {
            Gemm.Multiply(false, true, rows, columns, d, hidden, d, head.Halves, head.Format, d, logits, columns, bias, threads: Threads);
        }
        else
        {
            Gemm.Multiply(false, true, rows, columns, d, hidden, d, head.Floats, d, logits, columns, bias, threads: Threads);
        }
    }

    public IOutputHead Detach()
    {
        WeightView copy = _weights.IsHalf
            ? WeightView.OfHalves(_weights.Halves.ToArray(), _weights.Format)
            : WeightView.OfFloats(_weights.Floats.ToArray());
        return new EncoderOutputHead(copy, (float[])_bias.Clone(), Hidden, Vocab, Threads, owned: true);
    }

    /// <summary>A detached copy is managed memory, released with the object; a model's own head owns nothing.</summary>
    public void Dispose()
    {
        if (_owned)
        {
            _weights = default;
            _bias = [];
        }
    }
}
