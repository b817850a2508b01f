using InvarLock.Numerics;

namespace InvarLock.Edits;

/// <summary>Symmetric round-to-nearest (ties to even) int8 quantize-dequantize along one channel.</summary>
internal static class RoundToNearestQuantizer
{
    /// <summary>Smallest scale numerator, so an all-zero channel keeps a finite scale.</summary>
    public const float MinAbsMax = 1e-8f;

    /// <summary>float32 machine epsilon (2^-23), the floor of the clipping upper bound.</summary>
    public const float Float32MachineEpsilon = 1.1920929e-7f;

    /// <summary>Quantizes <paramref name="count"/> values spaced <paramref name="stride"/> apart starting at
    /// <paramref name="start"/> in place, returning the scale used: s = max(absmax, 1e-8)/qmax; q = clamp(round(w/s));
    /// w' = q·s. When <paramref name="clampRatio"/> &gt; 0 the channel is first clipped to its
    /// [r/2, 1 − r/2] linear quantiles (upper bound at least float epsilon).</summary>
    public static float QuantizeChannel(Span<float> data, int start, int count, int stride, int bits, double clampRatio, Span<float> scratch)
    {
        int qmax = (1 << (bits - 1)) - 1;
        int qmin = -(1 << (bits - 1));
        if (clampRatio > 0)
        {
            for (int i = 0; i < count; i++)
            {
                scratch[i] = data[start + i * stride];
            }
            Span<float> sorted = scratch[..count];
            sorted.Sort();
            float lo = (float)Quantiles.LinearSorted(sorted, clampRatio / 2);
            float hi = MathF.Max((float)Quantiles.LinearSorted(sorted, 1 - clampRatio / 2), Float32MachineEpsilon);
            for (int i = 0; i < count; i++)
            {
                ref float w = ref data[start + i * stride];
                w = MathF.Min(MathF.Max(w, lo), hi);
            }
        }
        float absMax = 0f;
        for (int i = 0; i < count; i++)
        {
            absMax = MathF.Max(absMax, MathF.Abs(data[start + i * stride]));
        }
        float scale = MathF.Max(absMax, MinAbsMax) / qmax;
        for (int i = 0; i < count; i++)
        {
            ref float w = ref data[start + i * stride];
            float q = MathF.Round(w / scale, MidpointRounding.ToEven);
            q = MathF.Min(MathF.Max(q, qmin), qmax);
            w = q * scale;
        }
        return scale;
    }
}
