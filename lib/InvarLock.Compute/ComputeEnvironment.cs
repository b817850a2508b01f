using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace InvarLock.Compute;

/// <summary>Process-wide compute settings: the GEMM backend and the default thread count.</summary>
public static class ComputeEnvironment
{
    private static IGemmBackend? s_backend;
    private static int s_threads = Environment.ProcessorCount;

    /// <summary>The GEMM engine <see cref="Gemm"/> uses. Defaults to <see cref="ManagedGemmBackend.Instance"/>.</summary>
    /// <exception cref="Sdk.Errors.InvarLockException">On first use of the default, when <c>INVARLOCK_ISA</c> is unknown
    /// or names an instruction set this CPU cannot run (a usage error, exit code 2).</exception>
    public static IGemmBackend Backend
    {
        get => Volatile.Read(ref s_backend) ?? ManagedGemmBackend.Instance;
        set => Volatile.Write(ref s_backend, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Default worker threads for kernels called with <c>threads = 0</c> (initially all processors).</summary>
    public static int Threads
    {
        get => Volatile.Read(ref s_threads);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Volatile.Write(ref s_threads, value == 0 ? Environment.ProcessorCount : value);
        }
    }

    /// <summary>Turns a requested thread count (0 = default) into the number of workers to use (at least 1).</summary>
    public static int ResolveThreads(int requested)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requested);
        return Math.Max(1, requested == 0 ? Threads : requested);
    }

    /// <summary>The instruction-set extensions the kernels can use, for example <c>AVX2+FMA</c>.</summary>
    public static string InstructionSets
    {
        get
        {
            var parts = new List<string>(4);
            if (Avx512F.IsSupported)
            {
                parts.Add("AVX-512F");
            }
            if (Avx2.IsSupported)
            {
                parts.Add("AVX2");
            }
            else if (Avx.IsSupported)
            {
                parts.Add("AVX");
            }
            if (Fma.IsSupported)
            {
                parts.Add("FMA");
            }
            if (AdvSimd.IsSupported)
            {
                parts.Add("NEON");
            }
            if (parts.Count == 0)
            {
                parts.Add(Vector128.IsHardwareAccelerated ? "SIMD128" : "scalar");
            }
            return string.Join('+', parts);
        }
    }

    /// <summary>What is in use, for reports and logs: the kernel names the chosen <see cref="GemmIsa"/>
    /// (for example <c>avx512-fma</c>, <c>avx2-fma</c> or <c>portable-vector128-fma</c>).</summary>
    /// <exception cref="Sdk.Errors.InvarLockException">When <c>INVARLOCK_ISA</c> is unknown or cannot run here (exit code 2).</exception>
    public static ComputeDescription Describe()
    {
        IGemmBackend backend = Backend;
        string kernel = backend is ManagedGemmBackend managed ? managed.KernelName : backend.Name;
        return new(backend.Name, InstructionSets, kernel, Threads, Environment.ProcessorCount);
    }
}
