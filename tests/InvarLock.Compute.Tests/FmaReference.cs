namespace InvarLock.Compute.Tests;

/// <summary>The scalar definition every GEMM kernel follows, element by element: start from
/// <c>(accumulate ? C : 0) + bias</c>, then one <see cref="MathF.FusedMultiplyAdd"/> per k in increasing order.
/// Kernels must match it bit for bit; <see cref="GemmTests"/> checks the same products against a double reference.</summary>
internal static class FmaReference
{
    internal static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float[] a, int lda, float[] b, int ldb,
        float[] c, int ldc, float[]? bias, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float s;
                if (accumulate)
                {
                    s = bias is null ? c[i * ldc + j] : c[i * ldc + j] + bias[j];
                }
                else
                {
                    s = bias is null ? 0f : bias[j];
                }
                for (int p = 0; p < k; p++)
                {
                    float x = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float y = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    s = MathF.FusedMultiplyAdd(x, y, s);
                }
                c[i * ldc + j] = s;
            }
        }
    }
}
