using InvarLock.Compute;

namespace InvarLock.Models.Weights;

/// <summary>A read-only view of one tensor in its stored form: float32 values, or 16-bit floats (F16/BF16) that the
/// kernels widen while packing. Valid while the <see cref="TensorStore"/> it came from is alive and the tensor is not
/// written.</summary>
internal readonly unsafe struct WeightView
{
    private readonly float[]? _floats;
    private readonly ushort[]? _halves;
    private readonly void* _pointer;
    private readonly long _offset;

    private WeightView(float[]? floats, ushort[]? halves, void* pointer, long offset, long length, bool isHalf, HalfFormat format)
    {
        _floats = floats;
        _halves = halves;
        _pointer = pointer;
        _offset = offset;
        Length = length;
        IsHalf = isHalf;
        Format = format;
    }

    /// <summary>Number of elements.</summary>
    internal long Length { get; }

    /// <summary>True when the values are 16-bit floats (<see cref="Halves"/>); false for float32 (<see cref="Floats"/>).</summary>
    internal bool IsHalf { get; }

    /// <summary>The 16-bit format when <see cref="IsHalf"/>.</summary>
    internal HalfFormat Format { get; }

    internal static WeightView OfFloats(float[] values) => new(values, null, null, 0, values.Length, false, default);

    internal static WeightView OfFloats(float* values, long length) => new(null, null, values, 0, length, false, default);

    internal static WeightView OfHalves(ushort[] values, HalfFormat format) => new(null, values, null, 0, values.Length, true, format);

    internal static WeightView OfHalves(ushort* values, long length, HalfFormat format) => new(null, null, values, 0, length, true, format);

    /// <summary>The float32 values (only when not <see cref="IsHalf"/>).</summary>
    internal ReadOnlySpan<float> Floats
    {
        get
        {
            if (IsHalf)
            {
                throw new InvalidOperationException("the tensor is stored in 16-bit floats");
            }
            return _floats is not null
                ? _floats.AsSpan(checked((int)_offset), checked((int)Length))
                : new ReadOnlySpan<float>((float*)_pointer + _offset, checked((int)Length));
        }
    }

    /// <summary>The 16-bit values (only when <see cref="IsHalf"/>).</summary>
    internal ReadOnlySpan<ushort> Halves
    {
        get
        {
            if (!IsHalf)
            {
                throw new InvalidOperationException("the tensor is stored in float32");
            }
            return _halves is not null
                ? _halves.AsSpan(checked((int)_offset), checked((int)Length))
                : new ReadOnlySpan<ushort>((ushort*)_pointer + _offset, checked((int)Length));
        }
    }

    /// <summary>Elements <c>[start, start + length)</c>.</summary>
    internal WeightView Slice(long start, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, Length);
        return new WeightView(_floats, _halves, _pointer, _offset + start, length, IsHalf, Format);
    }

    /// <summary>Copies elements <c>[start, start + destination.Length)</c> into <paramref name="destination"/> as float32.</summary>
    internal void Widen(long start, Span<float> destination)
    {
        WeightView part = Slice(start, destination.Length);
        if (part.IsHalf)
        {
            HalfConversions.Widen(part.Halves, part.Format, destination);
        }
        else
        {
            part.Floats.CopyTo(destination);
        }
    }

    /// <summary>The whole tensor as a new float32 array (for small tensors: norms, biases).</summary>
    internal float[] ToFloats()
    {
        var values = new float[checked((int)Length)];
        Widen(0, values);
        return values;
    }
}
