namespace InvarLock.Compute;

/// <summary>The compute configuration in use.</summary>
/// <param name="Backend">GEMM backend name (for example <c>managed-simd</c>).</param>
/// <param name="InstructionSets">CPU extensions available to the kernels (for example <c>AVX2+FMA</c>).</param>
/// <param name="Kernel">The micro-kernel family in use, naming the chosen instruction set (<c>avx512-fma</c>, <c>avx2-fma</c>,
/// <c>portable-vector128-fma</c>; see <see cref="GemmIsa"/>).</param>
/// <param name="Threads">Default worker threads.</param>
/// <param name="ProcessorCount">Logical processors visible to the process.</param>
public sealed record ComputeDescription(string Backend, string InstructionSets, string Kernel, int Threads, int ProcessorCount)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Backend} ({Kernel}; {InstructionSets}; {Threads} thread(s) of {ProcessorCount})";
}
