namespace InvarLock.Compute;

/// <summary>A single-precision matrix-multiply engine: <c>C = op(A)·op(B) (+ bias) (+ C)</c>, all row-major.</summary>
/// <remarks>
/// <para><c>op(A)</c> is <c>m × k</c>: A itself (stored <c>m × k</c>, row stride <c>lda</c>) or, when
/// <c>transposeA</c>, the transpose of A stored <c>k × m</c>. Likewise <c>op(B)</c> is <c>k × n</c>: B stored <c>k × n</c>, or,
/// when <c>transposeB</c>, B stored <c>n × k</c> (the layout of an <c>nn.Linear</c> weight).</para>
/// <para>Implementations must give results that do not depend on <c>threads</c>.</para>
/// </remarks>
public interface IGemmBackend
{
    /// <summary>A short name for reports, for example <c>managed-simd</c>.</summary>
    string Name { get; }

    /// <summary>Computes <c>C[m, n] = (accumulate ? C : 0) + bias[n] + op(A)·op(B)</c>.</summary>
    /// <param name="transposeA">True when A is stored <c>k × m</c>.</param>
    /// <param name="transposeB">True when B is stored <c>n × k</c>.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="a">A's storage.</param>
    /// <param name="lda">Row stride of A's storage (≥ its stored column count).</param>
    /// <param name="b">B's storage.</param>
    /// <param name="ldb">Row stride of B's storage.</param>
    /// <param name="c">C's storage (<c>m</c> rows of stride <c>ldc</c>).</param>
    /// <param name="ldc">Row stride of C (≥ n).</param>
    /// <param name="bias">Empty, or <c>n</c> values added to every row of C.</param>
    /// <param name="accumulate">True to add to C's current content instead of overwriting it.</param>
    /// <param name="threads">Worker threads; 0 means <see cref="ComputeEnvironment.Threads"/>.</param>
    void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool accumulate, int threads);

    /// <summary>Computes <c>C[m, n] = (accumulate ? C : 0) + bias[n] + op(A)·op(B)</c> where B holds 16-bit floats.</summary>
    /// <remarks>B's bit patterns are read in <paramref name="bFormat"/> and widened exactly to float32 as the product
    /// needs them (never as a full float32 copy of B); the arithmetic is float32. The result must equal, bit for bit,
    /// widening B with <see cref="HalfConversions.Widen"/> and calling the float32 <c>Multiply</c>.</remarks>
    /// <param name="transposeA">True when A is stored <c>k × m</c>.</param>
    /// <param name="transposeB">True when B is stored <c>n × k</c> (an <c>nn.Linear</c> weight); false for <c>k × n</c> (Conv1D).</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="a">A's storage.</param>
    /// <param name="lda">Row stride of A's storage.</param>
    /// <param name="b">B's storage: 16-bit float bit patterns.</param>
    /// <param name="bFormat">How B's bits are read.</param>
    /// <param name="ldb">Row stride of B's storage, in elements.</param>
    /// <param name="c">C's storage.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="bias">Empty, or <c>n</c> values added to every row of C.</param>
    /// <param name="accumulate">True to add to C's current content.</param>
    /// <param name="threads">Worker threads; 0 means <see cref="ComputeEnvironment.Threads"/>.</param>
    void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<ushort> b, HalfFormat bFormat, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, bool accumulate, int threads);
}
