using InvarLock.Compute;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Weights;

/// <summary>A model's output projection <c>logits = hidden · Wᵀ (+ bias)</c> with W <c>[vocab, hidden]</c> (a decoder's LM
/// head, tied or not; an encoder's tied MLM decoder with its bias) as an <see cref="IOutputHead"/>: logits for a block of
/// vocabulary columns are one GEMM over the rows of W for those columns, half-precision rows widened while packing. A
/// head taken from a model views its weights (valid while the model is and the tensor is not written);
/// <see cref="Detach"/> copies them.</summary>
internal sealed class LinearOutputHead : IOutputHead
{
    private WeightView _weights;
    private float[]? _bias;
    private readonly bool _owned;

    /// <param name="weights">W, <c>vocab × hidden</c> values.</param>
    /// <param name="bias">One value per vocabulary entry, or null for none.</param>
    /// <param name="hidden">Width of a hidden-state row.</param>
    /// <param name="vocab">Logits per row.</param>
    /// <param name="columnBlock">The column block the model's own figures use.</param>
    /// <param name="threads">Kernel threads.</param>
    /// <param name="owned">True for a detached copy.</param>
    internal LinearOutputHead(WeightView weights, float[]? bias, int hidden, int vocab, int columnBlock, int threads, bool owned = false)
    {
        if (weights.Length != (long)hidden * vocab || (bias is not null && bias.Length != vocab))
        {
            throw new ArgumentException("head weights must hold vocab × hidden values and a bias vocab values", nameof(weights));
        }
        _weights = weights;
        _bias = bias;
        Hidden = hidden;
        Vocab = vocab;
        ColumnBlock = columnBlock;
        Threads = Math.Max(1, threads);
        _owned = owned;
    }

    public int Hidden { get; }

    public int Vocab { get; }

    public int ColumnBlock { get; }

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
        ReadOnlySpan<float> bias = _bias is null ? default : _bias.AsSpan(columnStart, columns);
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
        return new LinearOutputHead(copy, (float[]?)_bias?.Clone(), Hidden, Vocab, ColumnBlock, Threads, owned: true);
    }

    /// <summary>A detached copy is managed memory, released with the object; a model's own head owns nothing.</summary>
    public void Dispose()
    {
        if (_owned)
        {
            _weights = default;
            _bias = null;
        }
    }
}
