using System.Runtime.Intrinsics.X86;
using InvarLock.Sdk.Errors;

namespace InvarLock.Compute;

/// <summary>Picks the <see cref="GemmIsa"/>: the widest the CPU supports, or the <c>INVARLOCK_ISA</c> override.</summary>
internal static class GemmIsaSelection
{
    /// <summary>The environment variable that forces a kernel family.</summary>
    internal const string Variable = "INVARLOCK_ISA";

    /// <summary>The widest instruction set this CPU can run.</summary>
    internal static GemmIsa Widest =>
        IsSupported(GemmIsa.Avx512) ? GemmIsa.Avx512 : IsSupported(GemmIsa.Avx2) ? GemmIsa.Avx2 : GemmIsa.Portable;

    /// <summary>True when this CPU runs <paramref name="isa"/> natively.</summary>
    internal static bool IsSupported(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512F.IsSupported && Avx2.IsSupported && Fma.IsSupported,
        GemmIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>The name <c>INVARLOCK_ISA</c> uses for <paramref name="isa"/>.</summary>
    internal static string Name(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => "avx512",
        GemmIsa.Avx2 => "avx2",
        _ => "portable",
    };

    /// <summary>The ISA for the override <paramref name="value"/> (null or blank: <see cref="Widest"/>).</summary>
    /// <exception cref="InvarLockException">The value is unknown, or names an ISA this CPU cannot run (usage error, exit 2).</exception>
    internal static GemmIsa Resolve(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Widest;
        }
        GemmIsa isa = value.Trim().ToLowerInvariant() switch
        {
            "avx512" => GemmIsa.Avx512,
            "avx2" => GemmIsa.Avx2,
            "portable" => GemmIsa.Portable,
            _ => throw new InvarLockException(ErrorCodes.Usage,
                $"{Variable}='{value}' is not a known instruction set (use avx512, avx2 or portable, or leave it unset)"),
        };
        if (!IsSupported(isa))
        {
            throw new InvarLockException(ErrorCodes.Usage,
                $"{Variable}={Name(isa)} cannot run on this CPU (it reports {ComputeEnvironment.InstructionSets}; widest usable: {Name(Widest)})");
        }
        return isa;
    }

    /// <summary>The ISA for this process's <c>INVARLOCK_ISA</c>.</summary>
    internal static GemmIsa FromEnvironment() => Resolve(Environment.GetEnvironmentVariable(Variable));
}
