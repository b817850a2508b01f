using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Testing;

/// <summary>The output head of a <see cref="FakeModel"/>: a plain <c>[vocab, width]</c> matrix product, each logit
/// accumulated in double and rounded to float.</summary>
public sealed class FakeOutputHead : IOutputHead
{
    private readonly float[] _weights;

    /// <summary>Wraps <paramref name="weights"/> (<c>[vocab, hidden]</c>, row-major; not copied).</summary>
    public FakeOutputHead(float[] weights, int hidden, int vocab)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length != hidden * vocab)
        {
            throw new ArgumentException("weights must hold vocab × hidden values", nameof(weights));
        }
        _weights = weights;
        Hidden = hidden;
        Vocab = vocab;
    }

    /// <inheritdoc />
    public int Hidden { get; }

    /// <inheritdoc />
    public int Vocab { get; }

    /// <inheritdoc />
    public int ColumnBlock => 16;

    /// <inheritdoc />
    public int Threads => 1;

    /// <inheritdoc />
    public void Logits(ReadOnlySpan<float> hidden, int rows, int columnStart, int columns, Span<float> logits)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnStart + columns, Vocab);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> h = hidden.Slice(r * Hidden, Hidden);
            for (int c = 0; c < columns; c++)
            {
                ReadOnlySpan<float> w = _weights.AsSpan((columnStart + c) * Hidden, Hidden);
                double s = 0;
                for (int j = 0; j < Hidden; j++)
                {
                    s += h[j] * w[j];
                }
                logits[r * columns + c] = (float)s;
            }
        }
    }

    /// <inheritdoc />
    public IOutputHead Detach() => new FakeOutputHead((float[])_weights.Clone(), Hidden, Vocab);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
