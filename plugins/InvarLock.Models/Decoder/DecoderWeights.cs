using InvarLock.Models.Weights;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Decoder;

/// <summary>One block's parameters as views in their stored form (projections) or small float32 arrays (norms, biases).</summary>
internal sealed class DecoderBlockWeights
{
    internal float[] AttentionNormWeight { get; init; } = [];
    internal float[]? AttentionNormBias { get; init; }
    /// <summary>q, k, v projections; with fused qkv all three are the same view and <see cref="QkvFused"/> is set.</summary>
    internal WeightView Query { get; init; }
    internal WeightView Key { get; init; }
    internal WeightView Value { get; init; }
    internal WeightView QkvFused { get; init; }
    internal float[]? QueryBias { get; init; }
    internal float[]? KeyBias { get; init; }
    internal float[]? ValueBias { get; init; }
    internal float[]? QkvBias { get; init; }
    internal float[]? QueryNormWeight { get; init; }
    internal float[]? KeyNormWeight { get; init; }
    internal WeightView Output { get; init; }
    internal float[]? OutputBias { get; init; }
    internal float[] MlpNormWeight { get; init; } = [];
    internal float[]? MlpNormBias { get; init; }
    internal WeightView Gate { get; init; }
    internal WeightView Up { get; init; }
    internal WeightView GateUpFused { get; init; }
    internal float[]? GateBias { get; init; }
    internal float[]? UpBias { get; init; }
    internal float[]? GateUpBias { get; init; }
    internal WeightView Down { get; init; }
    internal float[]? DownBias { get; init; }
}

/// <summary>Every parameter the forward pass reads, looked up once per <see cref="IModel.Evaluate"/> call (so a
/// tensor an edit or guard rewrote between calls is seen).</summary>
internal sealed class DecoderWeights
{
    internal WeightView TokenEmbedding { get; private init; }
    internal WeightView PositionEmbedding { get; private init; }
    internal DecoderBlockWeights[] Blocks { get; private init; } = [];
    internal float[] FinalNormWeight { get; private init; } = [];
    internal float[]? FinalNormBias { get; private init; }
    internal WeightView Head { get; private init; }

    internal static DecoderWeights Resolve(DecoderConfig c, TensorStore store)
    {
        DecoderNameTable n = c.Names;
        WeightView View(ModuleRole role, int layer) => store.View(n.Weight(role, layer));
        float[] Small(ModuleRole role, int layer) => store.View(n.Weight(role, layer)).ToFloats();
        float[]? BiasOf(ModuleRole role, int layer, bool present) => present ? store.View(n.Bias(role, layer)).ToFloats() : null;
        bool normBias = c.Norm == NormKind.LayerNorm;
        var blocks = new DecoderBlockWeights[c.Layers];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = new DecoderBlockWeights
            {
                AttentionNormWeight = Small(ModuleRole.AttentionNorm, i),
                AttentionNormBias = BiasOf(ModuleRole.AttentionNorm, i, normBias),
                QkvFused = c.FusedQkv ? View(ModuleRole.FusedQkv, i) : default,
                QkvBias = c.FusedQkv ? BiasOf(ModuleRole.FusedQkv, i, c.QkvBias) : null,
                Query = c.FusedQkv ? default : View(ModuleRole.Query, i),
                Key = c.FusedQkv ? default : View(ModuleRole.Key, i),
                Value = c.FusedQkv ? default : View(ModuleRole.Value, i),
                QueryBias = c.FusedQkv ? null : BiasOf(ModuleRole.Query, i, c.QkvBias),
                KeyBias = c.FusedQkv ? null : BiasOf(ModuleRole.Key, i, c.QkvBias),
                ValueBias = c.FusedQkv ? null : BiasOf(ModuleRole.Value, i, c.QkvBias),
                QueryNormWeight = c.QueryKeyNorm ? Small(ModuleRole.QueryNorm, i) : null,
                KeyNormWeight = c.QueryKeyNorm ? Small(ModuleRole.KeyNorm, i) : null,
                Output = View(ModuleRole.AttentionOutput, i),
                OutputBias = BiasOf(ModuleRole.AttentionOutput, i, c.AttentionOutputBias),
                MlpNormWeight = Small(ModuleRole.MlpNorm, i),
                MlpNormBias = BiasOf(ModuleRole.MlpNorm, i, normBias),
                GateUpFused = c.GatedMlp && c.FusedGateUp ? View(ModuleRole.FusedGateUp, i) : default,
                GateUpBias = c.GatedMlp && c.FusedGateUp ? BiasOf(ModuleRole.FusedGateUp, i, c.MlpBias) : null,
                Gate = c.GatedMlp && !c.FusedGateUp ? View(ModuleRole.Gate, i) : default,
                GateBias = c.GatedMlp && !c.FusedGateUp ? BiasOf(ModuleRole.Gate, i, c.MlpBias) : null,
                Up = !(c.GatedMlp && c.FusedGateUp) ? View(ModuleRole.Up, i) : default,
                UpBias = !(c.GatedMlp && c.FusedGateUp) ? BiasOf(ModuleRole.Up, i, c.MlpBias) : null,
                Down = View(ModuleRole.Down, i),
                DownBias = BiasOf(ModuleRole.Down, i, c.MlpBias),
            };
        }
        WeightView embedding = View(ModuleRole.TokenEmbedding, -1);
        return new DecoderWeights
        {
            TokenEmbedding = embedding,
            PositionEmbedding = c.Position == PositionKind.Learned ? View(ModuleRole.PositionEmbedding, -1) : default,
            Blocks = blocks,
            FinalNormWeight = Small(ModuleRole.FinalNorm, -1),
            FinalNormBias = BiasOf(ModuleRole.FinalNorm, -1, normBias),
            Head = c.TiedHead ? embedding : View(ModuleRole.OutputHead, -1),
        };
    }
}
