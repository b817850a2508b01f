using InvarLock.Compute;

namespace InvarLock.Models.Decoder;

/// <summary>Rotary position embedding settings of a decoder (from <c>rope_theta</c>, <c>rope_scaling</c>,
/// <c>partial_rotary_factor</c>).</summary>
/// <param name="Dimension">Rotated dimensions per head (even, at most the head width).</param>
/// <param name="Theta">rope_theta, the frequency base.</param>
/// <param name="Type">The scaling rule.</param>
/// <param name="Factor">rope_scaling.factor (1 for <see cref="RopeType.Default"/>).</param>
/// <param name="LowFreqFactor">rope_scaling.low_freq_factor (llama3 only).</param>
/// <param name="HighFreqFactor">rope_scaling.high_freq_factor (llama3 only).</param>
/// <param name="OriginalMaxPositions">rope_scaling.original_max_position_embeddings (llama3 only).</param>
internal sealed record RotarySettings(int Dimension, double Theta, RopeType Type, double Factor = 1.0,
    double LowFreqFactor = 0, double HighFreqFactor = 0, int OriginalMaxPositions = 0)
{
    /// <summary>True when the frequencies depend on the sequence length (dynamic NTK scaling).</summary>
    internal bool DependsOnLength => Type == RopeType.Dynamic;

    /// <summary>The inverse frequencies for a forward pass over <paramref name="sequenceLength"/> positions.</summary>
    internal float[] InverseFrequencies(int sequenceLength, int maxPositions) => Type switch
    {
        RopeType.Default => RotaryFrequencies.Default(Dimension, Theta),
        RopeType.Linear => RotaryFrequencies.Linear(Dimension, Theta, Factor),
        RopeType.Dynamic => RotaryFrequencies.Dynamic(Dimension, Theta, Factor, maxPositions, sequenceLength),
        RopeType.Llama3 => RotaryFrequencies.Llama3(Dimension, Theta, Factor, LowFreqFactor, HighFreqFactor, OriginalMaxPositions),
        _ => throw new InvalidOperationException($"rope type {Type}"),
    };
}
