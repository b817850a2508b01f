namespace InvarLock.Compute;

/// <summary>Argument checks shared by every <see cref="IGemmBackend"/>.</summary>
internal static class GemmArguments
{
    /// <summary>Throws <see cref="ArgumentException"/> when the dimensions, strides or buffer lengths are inconsistent.</summary>
    internal static void Validate(bool transposeA, bool transposeB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc, int biasLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        // Stored shapes: A is (transposeA ? k × m : m × k); B is (transposeB ? n × k : k × n); C is m × n.
        (int aRows, int aCols) = transposeA ? (k, m) : (m, k);
        (int bRows, int bCols) = transposeB ? (n, k) : (k, n);
        CheckMatrix("A", aRows, aCols, aLength, lda);
        CheckMatrix("B", bRows, bCols, bLength, ldb);
        CheckMatrix("C", m, n, cLength, ldc);
        if (biasLength != 0 && biasLength != n)
        {
            throw new ArgumentException($"bias has {biasLength} values, expected 0 or {n}", "bias");
        }
    }

    /// <summary>The checks for a product with a packed B (<paramref name="k"/> × <paramref name="n"/> fixed by the pack).</summary>
    internal static void ValidatePacked(bool transposeA, int m, int n, int k, int aLength, int lda, int cLength, int ldc, int biasLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        (int aRows, int aCols) = transposeA ? (k, m) : (m, k);
        CheckMatrix("A", aRows, aCols, aLength, lda);
        CheckMatrix("C", m, n, cLength, ldc);
        if (biasLength != 0 && biasLength != n)
        {
            throw new ArgumentException($"bias has {biasLength} values, expected 0 or {n}", "bias");
        }
    }

    /// <summary>Checks one stored operand's stride and buffer length.</summary>
    internal static void CheckMatrix(string name, int rows, int cols, int length, int ld)
    {
        if (ld < Math.Max(cols, 1))
        {
            throw new ArgumentException($"{name}: row stride {ld} is smaller than its {cols} columns", "ld" + name.ToLowerInvariant());
        }
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException($"{name}: buffer holds {length} values, {rows}×{cols} with stride {ld} needs {needed}", name.ToLowerInvariant());
        }
    }
}
