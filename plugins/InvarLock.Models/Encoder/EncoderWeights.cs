using InvarLock.Models.Weights;

namespace InvarLock.Models.Encoder;

/// <summary>One encoder block's parameters: projections as views in their stored form, norms and biases as float32.</summary>
internal sealed class EncoderBlockWeights
{
    internal required WeightView Query { get; init; }
    internal required float[] QueryBias { get; init; }
    internal required WeightView Key { get; init; }
    internal required float[] KeyBias { get; init; }
    internal required WeightView Value { get; init; }
    internal required float[] ValueBias { get; init; }
    internal required WeightView Output { get; init; }
    internal required float[] OutputBias { get; init; }
    internal required float[] AttentionNormWeight { get; init; }
    internal required float[] AttentionNormBias { get; init; }
    internal required WeightView Up { get; init; }
    internal required float[] UpBias { get; init; }
    internal required WeightView Down { get; init; }
    internal required float[] DownBias { get; init; }
    internal required float[] MlpNormWeight { get; init; }
    internal required float[] MlpNormBias { get; init; }
}
