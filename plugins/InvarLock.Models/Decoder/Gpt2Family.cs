using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Decoder;

/// <summary>GPT-2: LayerNorm, learned positions, fused Conv1D <c>c_attn</c>, biases everywhere, GELU, tied head.</summary>
internal sealed class Gpt2Family : IDecoderFamily
{
    public string ModelType => "gpt2";

    public DecoderConfig ReadConfig(HfConfig config) => FromGpt2Config(config.ToGpt2Config());

    public string? CanonicalName(string storedName, DecoderConfig config) =>
        Gpt2CheckpointNames.Normalize(storedName, config.TiedHead);

    /// <summary>The decoder config of a GPT-2 architecture.</summary>
    internal static DecoderConfig FromGpt2Config(Gpt2Config c) => new()
    {
        ModelType = "gpt2",
        Layers = c.NLayer,
        Hidden = c.NEmbd,
        Heads = c.NHead,
        KeyValueHeads = c.NHead,
        HeadDim = c.HeadSize,
        Intermediate = c.InnerSize,
        Vocab = c.VocabSize,
        MaxPositions = c.NPositions,
        Norm = NormKind.LayerNorm,
        NormEpsilon = c.LayerNormEpsilon,
        Position = PositionKind.Learned,
        GatedMlp = false,
        Activation = c.ActivationFunction == "gelu" ? MlpActivation.GeluErf : MlpActivation.GeluTanh,
        FusedQkv = true,
        QkvBias = true,
        AttentionOutputBias = true,
        MlpBias = true,
        Conv1DWeights = true,
        TiedHead = c.TieWordEmbeddings,
        Names = DecoderNameTable.Gpt2,
    };
}
