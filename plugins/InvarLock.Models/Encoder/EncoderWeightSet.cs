using InvarLock.Models.Weights;

namespace InvarLock.Models.Encoder;

/// <summary>Every parameter the encoder forward reads, looked up once per <see cref="Sdk.Models.IModel.Forward"/> call
/// (so a tensor an edit or guard rewrote between calls is seen).</summary>
internal sealed class EncoderWeightSet
{
    internal required WeightView WordEmbedding { get; init; }
    internal required WeightView PositionEmbedding { get; init; }
    /// <summary>Row 0 of the token-type table (every window is one segment of type 0).</summary>
    internal required float[] TokenType0 { get; init; }
    internal required float[] EmbeddingNormWeight { get; init; }
    internal required float[] EmbeddingNormBias { get; init; }
    internal required EncoderBlockWeights[] Blocks { get; init; }
    internal required WeightView HeadDense { get; init; }
    internal required float[] HeadDenseBias { get; init; }
    internal required float[] HeadNormWeight { get; init; }
    internal required float[] HeadNormBias { get; init; }
    internal required float[] HeadBias { get; init; }

    internal static EncoderWeightSet Resolve(EncoderConfig c, TensorStore store)
    {
        EncoderNameTable n = c.Names;
        WeightView W(string module) => store.View(module + ".weight");
        float[] Small(string module, string part = "weight") => store.View(module + "." + part).ToFloats();
        var blocks = new EncoderBlockWeights[c.Layers];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = new EncoderBlockWeights
            {
                Query = W(n.Query(i)),
                QueryBias = Small(n.Query(i), "bias"),
                Key = W(n.Key(i)),
                KeyBias = Small(n.Key(i), "bias"),
                Value = W(n.Value(i)),
                ValueBias = Small(n.Value(i), "bias"),
                Output = W(n.AttentionOutput(i)),
                OutputBias = Small(n.AttentionOutput(i), "bias"),
                AttentionNormWeight = Small(n.AttentionNorm(i)),
                AttentionNormBias = Small(n.AttentionNorm(i), "bias"),
                Up = W(n.Up(i)),
                UpBias = Small(n.Up(i), "bias"),
                Down = W(n.Down(i)),
                DownBias = Small(n.Down(i), "bias"),
                MlpNormWeight = Small(n.MlpNorm(i)),
                MlpNormBias = Small(n.MlpNorm(i), "bias"),
            };
        }
        var type0 = new float[c.Hidden];
        W(n.TokenTypeEmbedding).Widen(0, type0);
        return new EncoderWeightSet
        {
            WordEmbedding = W(n.WordEmbedding),
            PositionEmbedding = W(n.PositionEmbedding),
            TokenType0 = type0,
            EmbeddingNormWeight = Small(n.EmbeddingNorm),
            EmbeddingNormBias = Small(n.EmbeddingNorm, "bias"),
            Blocks = blocks,
            HeadDense = W(n.HeadDense),
            HeadDenseBias = Small(n.HeadDense, "bias"),
            HeadNormWeight = Small(n.HeadNorm),
            HeadNormBias = Small(n.HeadNorm, "bias"),
            HeadBias = store.View(n.HeadBias).ToFloats(),
        };
    }
}
