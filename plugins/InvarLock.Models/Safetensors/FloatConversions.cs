using System.Runtime.InteropServices;
using InvarLock.Compute;

namespace InvarLock.Models.Safetensors;

/// <summary>Exact widening of F16/BF16/F64 little-endian bytes to float32, and round-to-nearest-even narrowing back.</summary>
/// <remarks>The 16-bit formats delegate to <see cref="HalfConversions"/> (the same widening the half-precision GEMM uses).</remarks>
internal static class FloatConversions
{
    internal static void Widen(SafetensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case SafetensorsDType.F16:
                HalfConversions.Widen(MemoryMarshal.Cast<byte, ushort>(source), HalfFormat.Float16, destination);
                break;
            case SafetensorsDType.BF16:
                HalfConversions.Widen(MemoryMarshal.Cast<byte, ushort>(source), HalfFormat.BFloat16, destination);
                break;
            case SafetensorsDType.F64:
                {
                    ReadOnlySpan<double> values = MemoryMarshal.Cast<byte, double>(source);
                    for (int i = 0; i < values.Length; i++)
                    {
                        destination[i] = (float)values[i];
                    }
                    break;
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a floating-point dtype");
        }
    }

    internal static void Narrow(SafetensorsDType dtype, ReadOnlySpan<float> source, Span<byte> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                MemoryMarshal.AsBytes(source).CopyTo(destination);
                break;
            case SafetensorsDType.F16:
                HalfConversions.Narrow(source, HalfFormat.Float16, MemoryMarshal.Cast<byte, ushort>(destination));
                break;
            case SafetensorsDType.BF16:
                HalfConversions.Narrow(source, HalfFormat.BFloat16, MemoryMarshal.Cast<byte, ushort>(destination));
                break;
            case SafetensorsDType.F64:
                {
                    Span<double> target = MemoryMarshal.Cast<byte, double>(destination);
                    for (int i = 0; i < source.Length; i++)
                    {
                        target[i] = source[i];
                    }
                    break;
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not a floating-point dtype");
        }
    }
}
