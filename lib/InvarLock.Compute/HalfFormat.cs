namespace InvarLock.Compute;

/// <summary>A 16-bit floating-point storage format, held as raw <see cref="ushort"/> bit patterns.</summary>
public enum HalfFormat
{
    /// <summary>IEEE 754 binary16: 1 sign, 5 exponent, 10 mantissa bits (safetensors <c>F16</c>).</summary>
    Float16,

    /// <summary>bfloat16: the upper 16 bits of a float32 (safetensors <c>BF16</c>).</summary>
    BFloat16,
}
