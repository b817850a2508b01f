namespace InvarLock.Compute;

/// <summary>The instruction set the managed GEMM's micro-kernels are written for.</summary>
/// <remarks>Chosen once per process: the widest the CPU reports, or <c>INVARLOCK_ISA</c>
/// (<c>avx512</c>, <c>avx2</c> or <c>portable</c>; see docs/performance.md §4). Every variant multiplies with one
/// fused multiply-add per product in increasing k order, so all of them give bit-identical results.</remarks>
public enum GemmIsa
{
    /// <summary>Vector128 with fused multiply-add (SSE/AVX on x64, AdvSimd on ARM64; software FMA where the CPU has
    /// none): runs everywhere.</summary>
    Portable,

    /// <summary>Vector256 with AVX2 and FMA3: a 6×16 tile held in 12 registers.</summary>
    Avx2,

    /// <summary>Vector512 with AVX-512F: a 6×32 tile held in 12 registers (edges use the AVX2 tile).</summary>
    Avx512,
}
