using System.Numerics;
using System.Runtime.InteropServices;

namespace InvarLock.Numerics;

/// <summary>Scans for NaN and ±infinity.</summary>
public static class FiniteCheck
{
    /// <summary>True when every value is finite (true for an empty span).</summary>
    public static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Number of non-finite values in <paramref name="values"/> (vectorised; the count is exact).</summary>
    public static long CountNonFinite(ReadOnlySpan<float> values)
    {
        long count = 0;
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (int k = 0; k < vectors.Length; k++)
            {
                Vector<float> v = vectors[k];
                // x − x is 0 for finite x and NaN for NaN/±inf.
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero))
                {
                    int start = k * Vector<float>.Count;
                    for (int j = start; j < start + Vector<float>.Count; j++)
                    {
                        if (!float.IsFinite(values[j]))
                        {
                            count++;
                        }
                    }
                }
            }
            i = vectors.Length * Vector<float>.Count;
        }
        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                count++;
            }
        }
        return count;
    }
}
