using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Decoder;

/// <summary>GPT-2: LayerNorm, learned positions, fused Conv1D <c>c_attn</c>, biases everywhere, GELU, tied head.</summary>
internal sealed class Gpt2Family : IDecoderFamily
{
    public string ModelType => "gpt2";

    public DecoderConfig ReadConfig(HfConfig config) => FromGpt2Config(config.ToGpt2Config());

    public string? CanonicalName(string storedName, DecoderConfig config) =>
        Gpt2CheckpointNames.Normalize(storedName, config.TiedHead);

    /// <summary>The decoder config of a GPT-2 architecture.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MalformedConfig"/> for impossible dimensions or an
    /// activation the forward pass does not implement.</exception>
    internal static DecoderConfig FromGpt2Config(Gpt2Config c)
    {
        if (c.NLayer < 0 || c.NHead <= 0 || c.NEmbd <= 0 || c.NPositions <= 0 || c.VocabSize <= 0 || c.InnerSize <= 0
            || c.NEmbd % c.NHead != 0)
        {
            throw new InvarLockException(ErrorCodes.MalformedConfig,
                $"config.json: invalid GPT-2 dimensions (n_layer {c.NLayer}, n_head {c.NHead}, n_embd {c.NEmbd}, " +
                $"n_positions {c.NPositions}, vocab_size {c.VocabSize}, n_inner {c.InnerSize})");
        }
        if (c.ActivationFunction is not ("gelu_new" or "gelu" or "gelu_pytorch_tanh" or "gelu_fast"))
        {
            throw new InvarLockException(ErrorCodes.MalformedConfig,
                $"config.json: unsupported GPT-2 activation_function '{c.ActivationFunction}'");
        }
        return new DecoderConfig
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
}
