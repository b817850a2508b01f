namespace InvarLock.Models.Decoder;

/// <summary>Everything the one decoder forward pass needs to run a family: an architecture is this record plus a
/// <see cref="DecoderNameTable"/>. Each family's <see cref="IDecoderFamily"/> maps a Hugging Face config.json to it.</summary>
internal sealed record DecoderConfig
{
    /// <summary>config.json's model_type (gpt2, llama, …).</summary>
    public required string ModelType { get; init; }

    /// <summary>Transformer blocks.</summary>
    public required int Layers { get; init; }

    /// <summary>Width of the residual stream.</summary>
    public required int Hidden { get; init; }

    /// <summary>Query heads.</summary>
    public required int Heads { get; init; }

    /// <summary>Key/value heads (divides <see cref="Heads"/>; fewer under GQA, 1 under MQA).</summary>
    public required int KeyValueHeads { get; init; }

    /// <summary>Width of one head (need not be <see cref="Hidden"/> / <see cref="Heads"/>).</summary>
    public required int HeadDim { get; init; }

    /// <summary>Width of the MLP's hidden layer.</summary>
    public required int Intermediate { get; init; }

    /// <summary>Rows of the embedding and the output head.</summary>
    public required int Vocab { get; init; }

    /// <summary>Longest sequence the model supports (a hard limit for learned positions).</summary>
    public required int MaxPositions { get; init; }

    /// <summary>The normalisation.</summary>
    public required NormKind Norm { get; init; }

    /// <summary>layer_norm_epsilon / rms_norm_eps.</summary>
    public required double NormEpsilon { get; init; }

    /// <summary>RMSNorm scales by <c>1 + weight</c> (Gemma).</summary>
    public bool NormUnitOffset { get; init; }

    /// <summary>Learned positions or rotary.</summary>
    public required PositionKind Position { get; init; }

    /// <summary>Rotary settings when <see cref="Position"/> is <see cref="PositionKind.Rotary"/>.</summary>
    public RotarySettings? Rotary { get; init; }

    /// <summary>True for a gated MLP (<c>act(gate) · up</c>, then down); false for <c>act(up)</c>, then down.</summary>
    public required bool GatedMlp { get; init; }

    /// <summary>The MLP non-linearity.</summary>
    public required MlpActivation Activation { get; init; }

    /// <summary>q, k and v come from one projection whose output columns are [q; k; v].</summary>
    public bool FusedQkv { get; init; }

    /// <summary>gate and up come from one projection whose output columns are [gate; up].</summary>
    public bool FusedGateUp { get; init; }

    /// <summary>The q/k/v (or fused qkv) projections have biases.</summary>
    public bool QkvBias { get; init; }

    /// <summary>The attention output projection has a bias.</summary>
    public bool AttentionOutputBias { get; init; }

    /// <summary>The MLP projections have biases.</summary>
    public bool MlpBias { get; init; }

    /// <summary>Per-head RMSNorm of queries and keys before the rotation (Qwen3).</summary>
    public bool QueryKeyNorm { get; init; }

    /// <summary>Projection weights stored [in, out] (GPT-2's Conv1D) rather than [out, in] (nn.Linear).</summary>
    public bool Conv1DWeights { get; init; }

    /// <summary>The output head is the token embedding.</summary>
    public required bool TiedHead { get; init; }

    /// <summary>Factor applied to the token embeddings (Gemma: √hidden as float32); 1 for none.</summary>
    public float EmbeddingScale { get; init; } = 1f;

    /// <summary>Each position attends to at most this many positions, itself included (Mistral); 0 for none.</summary>
    public int SlidingWindow { get; init; }

    /// <summary>The family's tensor and module names.</summary>
    public required DecoderNameTable Names { get; init; }

    /// <summary>Output width of the query projection (heads × head width).</summary>
    public int QueryWidth => Heads * HeadDim;

    /// <summary>Output width of the key (and value) projection.</summary>
    public int KeyValueWidth => KeyValueHeads * HeadDim;
}
