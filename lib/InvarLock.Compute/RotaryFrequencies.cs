namespace InvarLock.Compute;

/// <summary>Rotary-embedding inverse frequencies <c>inv_freq[i]</c>, i = 0 … d/2−1, for the Hugging Face rope types
/// <c>default</c>, <c>linear</c>, <c>dynamic</c> and <c>llama3</c>, computed with PyTorch's float32 steps.</summary>
/// <remarks>
/// <para>Default: <c>inv_freq[i] = 1 / θ^(e_i)</c> with <c>e_i = (float)(2i) / d</c> (a float32 division) and θ rounded to
/// float32. The power is evaluated in double and rounded once; PyTorch's vectorised <c>powf</c> is within one ulp of
/// that, so about one value in a hundred can differ from PyTorch by one ulp. The reciprocal is a float32 division.</para>
/// <para>d is the rotary dimension, <see cref="RotaryDimension"/>: head_dim × partial_rotary_factor.</para>
/// <para>Other rope types (<c>yarn</c>, <c>longrope</c>) are not provided; callers refuse them.</para>
/// </remarks>
public static class RotaryFrequencies
{
    /// <summary>The rotated dimensions of a head: <c>(int)(headDim · partialRotaryFactor)</c>, as Hugging Face truncates it.</summary>
    /// <exception cref="ArgumentException">The result is not a positive even number no larger than <paramref name="headDim"/>.</exception>
    public static int RotaryDimension(int headDim, double partialRotaryFactor = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headDim);
        int dim = (int)(headDim * partialRotaryFactor);
        if (dim <= 0 || dim > headDim || dim % 2 != 0)
        {
            throw new ArgumentException($"rotary dimension {dim} (head_dim {headDim} × partial_rotary_factor {partialRotaryFactor}) must be even and in (0, head_dim]", nameof(partialRotaryFactor));
        }
        return dim;
    }

    /// <summary>rope_type <c>default</c>: <c>1 / θ^(2i/d)</c>.</summary>
    /// <param name="rotaryDim">d, the rotated dimensions per head (even).</param>
    /// <param name="theta">rope_theta (the base).</param>
    public static float[] Default(int rotaryDim, double theta)
    {
        CheckDimension(rotaryDim);
        if (!(theta > 0) || double.IsInfinity(theta))
        {
            throw new ArgumentOutOfRangeException(nameof(theta), theta, "rope_theta must be positive and finite");
        }
        double baseF = (float)theta;
        var inv = new float[rotaryDim / 2];
        for (int i = 0; i < inv.Length; i++)
        {
            float exponent = (float)(2 * i) / rotaryDim;
            float power = (float)Math.Pow(baseF, exponent);
            inv[i] = 1f / power;
        }
        return inv;
    }

    /// <summary>rope_type <c>linear</c>: the default frequencies divided by <paramref name="factor"/> (float32 division, as Hugging Face).</summary>
    public static float[] Linear(int rotaryDim, double theta, double factor)
    {
        CheckFactor(factor);
        float[] inv = Default(rotaryDim, theta);
        float f = (float)factor;
        for (int i = 0; i < inv.Length; i++)
        {
            inv[i] /= f;
        }
        return inv;
    }

    /// <summary>rope_type <c>dynamic</c> (NTK): for a sequence longer than <paramref name="maxPositionEmbeddings"/> M the base
    /// becomes <c>θ·((factor·L/M) − (factor − 1))^(d/(d−2))</c> (computed in double); otherwise the default frequencies.</summary>
    /// <param name="rotaryDim">d, the rotated dimensions per head.</param>
    /// <param name="theta">rope_theta.</param>
    /// <param name="factor">rope_scaling.factor.</param>
    /// <param name="maxPositionEmbeddings">M, max_position_embeddings.</param>
    /// <param name="sequenceLength">L, the number of positions this forward pass covers (largest position + 1). Hugging
    /// Face recomputes the frequencies per forward pass from this length (and keeps the longest seen until a call is
    /// shorter than M again); evaluating independent windows, pass each window's length.</param>
    public static float[] Dynamic(int rotaryDim, double theta, double factor, int maxPositionEmbeddings, int sequenceLength)
    {
        CheckFactor(factor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPositionEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceLength);
        if (rotaryDim <= 2)
        {
            throw new ArgumentOutOfRangeException(nameof(rotaryDim), rotaryDim, "dynamic rope needs a rotary dimension above 2");
        }
        if (sequenceLength <= maxPositionEmbeddings)
        {
            return Default(rotaryDim, theta);
        }
        double scaled = theta * Math.Pow(factor * sequenceLength / maxPositionEmbeddings - (factor - 1), rotaryDim / (double)(rotaryDim - 2));
        return Default(rotaryDim, scaled);
    }

    /// <summary>rope_type <c>llama3</c>: long wavelengths divided by <paramref name="factor"/>, short ones kept, a smooth
    /// blend between (each step a float32 operation in Hugging Face's order).</summary>
    /// <param name="rotaryDim">d, the rotated dimensions per head.</param>
    /// <param name="theta">rope_theta.</param>
    /// <param name="factor">rope_scaling.factor.</param>
    /// <param name="lowFreqFactor">rope_scaling.low_freq_factor.</param>
    /// <param name="highFreqFactor">rope_scaling.high_freq_factor (greater than the low one).</param>
    /// <param name="originalMaxPositionEmbeddings">rope_scaling.original_max_position_embeddings.</param>
    public static float[] Llama3(int rotaryDim, double theta, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositionEmbeddings)
    {
        CheckFactor(factor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(originalMaxPositionEmbeddings);
        if (!(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(highFreqFactor), highFreqFactor,
                $"llama3 rope needs 0 < low_freq_factor ({lowFreqFactor}) < high_freq_factor");
        }
        float[] inv = Default(rotaryDim, theta);
        double old = originalMaxPositionEmbeddings;
        float lowWavelength = (float)(old / lowFreqFactor);
        float highWavelength = (float)(old / highFreqFactor);
        float twoPi = (float)(2 * Math.PI);
        float oldF = (float)old;
        float lowF = (float)lowFreqFactor;
        float span = (float)(highFreqFactor - lowFreqFactor);
        float f = (float)factor;
        for (int i = 0; i < inv.Length; i++)
        {
            float freq = inv[i];
            // PyTorch evaluates scalar / tensor as reciprocal(tensor) · scalar.
            float wavelength = 1f / freq * twoPi;
            if (wavelength > lowWavelength)
            {
                inv[i] = freq / f;
            }
            else if (!(wavelength < highWavelength))
            {
                float smooth = (1f / wavelength * oldF - lowF) / span;
                float scaledDown = (1f - smooth) * freq / f;
                inv[i] = scaledDown + smooth * freq;
            }
        }
        return inv;
    }

    private static void CheckDimension(int rotaryDim)
    {
        if (rotaryDim <= 0 || rotaryDim % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rotaryDim), rotaryDim, "the rotary dimension must be positive and even");
        }
    }

    private static void CheckFactor(double factor)
    {
        if (!(factor > 0) || double.IsInfinity(factor))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "rope_scaling.factor must be positive and finite");
        }
    }
}
