namespace InvarLock.Compute;

/// <summary>Row-major single-precision matrix products on <see cref="ComputeEnvironment.Backend"/>.</summary>
/// <remarks>All matrices are dense and row-major with the natural stride. Results never depend on <c>threads</c>
/// (0 means <see cref="ComputeEnvironment.Threads"/>).</remarks>
public static class Gemm
{
    /// <summary><c>C[m,n] = A[m,k]·B[k,n] (+ bias[n]) (+ C when <paramref name="accumulate"/>)</c>.</summary>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0) =>
        ComputeEnvironment.Backend.Multiply(false, false, m, n, k, a, Math.Max(k, 1), b, Math.Max(n, 1), c, Math.Max(n, 1), bias, accumulate, threads);

    /// <summary><c>C[m,n] = A[m,k]·Bᵀ</c> where B is stored <c>[n,k]</c> (an <c>nn.Linear</c> weight), plus optional bias and accumulation.</summary>
    public static void MatMulTransposeB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0) =>
        ComputeEnvironment.Backend.Multiply(false, true, m, n, k, a, Math.Max(k, 1), b, Math.Max(k, 1), c, Math.Max(n, 1), bias, accumulate, threads);

    /// <summary><c>C[m,n] = Aᵀ·B[k,n]</c> where A is stored <c>[k,m]</c>, plus optional bias and accumulation.</summary>
    public static void MatMulTransposeA(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0) =>
        ComputeEnvironment.Backend.Multiply(true, false, m, n, k, a, Math.Max(m, 1), b, Math.Max(n, 1), c, Math.Max(n, 1), bias, accumulate, threads);

    /// <summary>The general form with explicit transposes and row strides; see <see cref="IGemmBackend.Multiply(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, ReadOnlySpan{float}, bool, int)"/>.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0) =>
        ComputeEnvironment.Backend.Multiply(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc, bias, accumulate, threads);

    /// <summary><c>C[m,n] = A[m,k]·B[k,n]</c> with B stored as 16-bit floats <c>[k,n]</c> (a Conv1D weight), widened while packing.</summary>
    public static void MatMul(ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, HalfFormat bFormat, Span<float> c, int m, int k, int n,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0) =>
        ComputeEnvironment.Backend.Multiply(false, false, m, n, k, a, Math.Max(k, 1), b, bFormat, Math.Max(n, 1), c, Math.Max(n, 1), bias, accumulate, threads);

    /// <summary><c>C[m,n] = A[m,k]·Bᵀ</c> with B stored as 16-bit floats <c>[n,k]</c> (an <c>nn.Linear</c> weight), widened while packing.</summary>
    public static void MatMulTransposeB(ReadOnlySpan<float> a, ReadOnlySpan<ushort> b, HalfFormat bFormat, Span<float> c, int m, int k, int n,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0) =>
        ComputeEnvironment.Backend.Multiply(false, true, m, n, k, a, Math.Max(k, 1), b, bFormat, Math.Max(k, 1), c, Math.Max(n, 1), bias, accumulate, threads);

    /// <summary>The general form with a 16-bit float B; see <see cref="IGemmBackend.Multiply(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{ushort}, HalfFormat, int, Span{float}, int, ReadOnlySpan{float}, bool, int)"/>.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<ushort> b, HalfFormat bFormat, int ldb, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0) =>
        ComputeEnvironment.Backend.Multiply(transposeA, transposeB, m, n, k, a, lda, b, bFormat, ldb, c, ldc, bias, accumulate, threads);

    /// <summary><c>C[m,n] = A[m,k]·op(B)</c> with B packed once (<see cref="PackedMatrix"/>; <c>k = b.K</c>, <c>n = b.N</c>),
    /// plus optional bias and accumulation; bit-identical to the unpacked call on the matrix it was packed from.</summary>
    /// <remarks>Always runs on the managed kernels (the packed layout is theirs): <see cref="ComputeEnvironment.Backend"/>
    /// when it is a <see cref="ManagedGemmBackend"/>, else <see cref="ManagedGemmBackend.Instance"/>.</remarks>
    public static void MatMul(ReadOnlySpan<float> a, PackedMatrix b, Span<float> c, int m,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(b);
        Managed.Multiply(false, m, a, Math.Max(b.K, 1), b, c, Math.Max(b.N, 1), bias, accumulate, threads);
    }

    /// <summary>The general form with a packed B, explicit op(A) and strides; see
    /// <see cref="ManagedGemmBackend.Multiply(bool, int, ReadOnlySpan{float}, int, PackedMatrix, Span{float}, int, ReadOnlySpan{float}, bool, int)"/>.</summary>
    public static void Multiply(bool transposeA, int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc,
        ReadOnlySpan<float> bias = default, bool accumulate = false, int threads = 0) =>
        Managed.Multiply(transposeA, m, a, lda, b, c, ldc, bias, accumulate, threads);

    private static ManagedGemmBackend Managed => ComputeEnvironment.Backend as ManagedGemmBackend ?? ManagedGemmBackend.Instance;
}
