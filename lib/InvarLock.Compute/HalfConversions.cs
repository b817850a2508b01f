using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace InvarLock.Compute;

/// <summary>Exact widening of 16-bit float bit patterns to float32, and round-to-nearest-even narrowing back.</summary>
/// <remarks>
/// <para>Widening is exact for every finite value, subnormal and infinity (both formats are subsets of float32);
/// NaNs stay NaN with their payload shifted into place. <see cref="ManagedGemmBackend"/> uses the same widening when it
/// packs a half-precision B, so a half-B product equals widening B with <see cref="Widen"/> and multiplying in float32.</para>
/// <para>Narrowing rounds to nearest, ties to even (as PyTorch's <c>.to(torch.float16)</c> / <c>.to(torch.bfloat16)</c>);
/// overflow gives infinity; to bfloat16 every NaN becomes <see cref="BFloat16QuietNaN"/>, to float16 a NaN stays NaN.</para>
/// </remarks>
public static class HalfConversions
{
    /// <summary>The bfloat16 quiet NaN PyTorch writes for any NaN.</summary>
    public const ushort BFloat16QuietNaN = 0x7FC0;

    private const uint Float16Magnitude = 0x7FFF;
    private const uint Float16Sign = 0x8000;
    private const uint Float16InfinityBits = 0x7C00;
    private const uint Float32ExponentBits = 0x7F800000;

    /// <summary>2¹¹²: rescales a float16 exponent (bias 15) placed in a float32 exponent field (bias 127).</summary>
    private static float ExponentRebias => BitConverter.UInt32BitsToSingle(0x77800000);

    /// <summary>Widens <paramref name="source"/> (bit patterns in <paramref name="format"/>) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static unsafe void Widen(ReadOnlySpan<ushort> source, HalfFormat format, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, source {source.Length}", nameof(destination));
        }
        fixed (ushort* s = source)
        fixed (float* d = destination)
        {
            WidenRun(s, d, source.Length, format);
        }
    }

    /// <summary>Widens IEEE binary16 bit patterns to float32.</summary>
    public static void WidenFloat16(ReadOnlySpan<ushort> source, Span<float> destination) => Widen(source, HalfFormat.Float16, destination);

    /// <summary>Widens bfloat16 bit patterns to float32 (<c>bits &lt;&lt; 16</c>).</summary>
    public static void WidenBFloat16(ReadOnlySpan<ushort> source, Span<float> destination) => Widen(source, HalfFormat.BFloat16, destination);

    /// <summary>One value: the float32 equal to <paramref name="bits"/> read in <paramref name="format"/>.</summary>
    public static float ToSingle(ushort bits, HalfFormat format) =>
        format == HalfFormat.BFloat16 ? BitConverter.UInt32BitsToSingle((uint)bits << 16) : Float16ToSingle(bits);

    /// <summary>Narrows float32 values to <paramref name="format"/> bit patterns, rounding to nearest even.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than the source.</exception>
    public static void Narrow(ReadOnlySpan<float> source, HalfFormat format, Span<ushort> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, source {source.Length}", nameof(destination));
        }
        if (format == HalfFormat.Float16)
        {
            TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<ushort, Half>(destination));
            return;
        }
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = ToBFloat16Bits(source[i]);
        }
    }

    /// <summary>float32 → bfloat16 bits, round to nearest even; every NaN becomes <see cref="BFloat16QuietNaN"/>.</summary>
    public static ushort ToBFloat16Bits(float value)
    {
        if (float.IsNaN(value))
        {
            return BFloat16QuietNaN;
        }
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>float32 → IEEE binary16 bits, round to nearest even (overflow gives infinity).</summary>
    public static ushort ToFloat16Bits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>Widens <paramref name="count"/> values from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    internal static unsafe void WidenRun(ushort* source, float* destination, int count, HalfFormat format)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= count; i += 16)
            {
                Widen16(source + i, destination + i, format);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
            {
                (Vector128<uint> lower, Vector128<uint> upper) = Vector128.Widen(Vector128.Load(source + i));
                ToSingle(lower, format).Store(destination + i);
                ToSingle(upper, format).Store(destination + i + 4);
            }
        }
        for (; i < count; i++)
        {
            destination[i] = format == HalfFormat.BFloat16
                ? BitConverter.UInt32BitsToSingle((uint)source[i] << 16)
                : Float16ToSingle(source[i]);
        }
    }

    /// <summary>Widens 16 contiguous values (Vector256 only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Widen16(ushort* source, float* destination, HalfFormat format)
    {
        (Vector256<uint> lower, Vector256<uint> upper) = Vector256.Widen(Vector256.Load(source));
        ToSingle(lower, format).Store(destination);
        ToSingle(upper, format).Store(destination + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ToSingle(Vector256<uint> bits, HalfFormat format)
    {
        if (format == HalfFormat.BFloat16)
        {
            return (bits << 16).AsSingle();
        }
        // Magnitude bits moved into float32 position, then rescaled by 2^112: exact for normals and subnormals.
        Vector256<uint> shifted = (bits & Vector256.Create(Float16Magnitude)) << 13;
        Vector256<uint> finite = (shifted.AsSingle() * Vector256.Create(ExponentRebias)).AsUInt32();
        Vector256<uint> special = shifted | Vector256.Create(Float32ExponentBits);
        Vector256<uint> isSpecial = Vector256.GreaterThanOrEqual(bits & Vector256.Create(Float16Magnitude), Vector256.Create(Float16InfinityBits));
        Vector256<uint> sign = (bits & Vector256.Create(Float16Sign)) << 16;
        return (Vector256.ConditionalSelect(isSpecial, special, finite) | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ToSingle(Vector128<uint> bits, HalfFormat format)
    {
        if (format == HalfFormat.BFloat16)
        {
            return (bits << 16).AsSingle();
        }
        Vector128<uint> shifted = (bits & Vector128.Create(Float16Magnitude)) << 13;
        Vector128<uint> finite = (shifted.AsSingle() * Vector128.Create(ExponentRebias)).AsUInt32();
        Vector128<uint> special = shifted | Vector128.Create(Float32ExponentBits);
        Vector128<uint> isSpecial = Vector128.GreaterThanOrEqual(bits & Vector128.Create(Float16Magnitude), Vector128.Create(Float16InfinityBits));
        Vector128<uint> sign = (bits & Vector128.Create(Float16Sign)) << 16;
        return (Vector128.ConditionalSelect(isSpecial, special, finite) | sign).AsSingle();
    }

    /// <summary>The scalar form of the vector widening above (same bits for every input, NaNs included).</summary>
    private static float Float16ToSingle(ushort bits)
    {
        uint magnitude = bits & Float16Magnitude;
        uint shifted = magnitude << 13;
        uint result = magnitude >= Float16InfinityBits
            ? shifted | Float32ExponentBits
            : BitConverter.SingleToUInt32Bits(BitConverter.UInt32BitsToSingle(shifted) * ExponentRebias);
        return BitConverter.UInt32BitsToSingle(result | ((bits & Float16Sign) << 16));
    }
}
