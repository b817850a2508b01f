using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace InvarLock.Models.Safetensors;

/// <summary>Exact widening of F16/BF16/F64 little-endian bytes to float32, and round-to-nearest-even narrowing back.</summary>
internal static class FloatConversions
{
    /// <summary>Quiet NaN bit pattern PyTorch writes for any bfloat16 NaN.</summary>
    private const ushort BFloat16QuietNaN = 0x7FC0;

    internal static void Widen(SafetensorsDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case SafetensorsDType.F32:
                MemoryMarshal.Cast<byte, float>(source).CopyTo(destination);
                break;
            case SafetensorsDType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                break;
            case SafetensorsDType.BF16:
                {
                    ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<byte, ushort>(source);
                    Span<uint> target = MemoryMarshal.Cast<float, uint>(destination);
                    for (int i = 0; i < bits.Length; i++)
                    {
                        target[i] = (uint)bits[i] << 16;
                    }
                    break;
                }
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
                TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination));
                break;
            case SafetensorsDType.BF16:
                {
                    Span<ushort> target = MemoryMarshal.Cast<byte, ushort>(destination);
                    for (int i = 0; i < source.Length; i++)
                    {
                        target[i] = ToBFloat16Bits(source[i]);
                    }
                    break;
                }
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

    /// <summary>float32 → bfloat16 with round-to-nearest-even (as PyTorch); every NaN becomes the quiet NaN.</summary>
    internal static ushort ToBFloat16Bits(float value)
    {
        if (float.IsNaN(value))
        {
            return BFloat16QuietNaN;
        }
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
