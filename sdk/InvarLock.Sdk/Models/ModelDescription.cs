namespace InvarLock.Sdk.Models;

/// <summary>Architecture-level facts about a loaded model.</summary>
/// <param name="Architecture">Model type as in config.json (for example <c>gpt2</c>, <c>llama</c>).</param>
/// <param name="Layers">Number of transformer blocks.</param>
/// <param name="Heads">Attention (query) heads per block.</param>
/// <param name="HiddenSize">Width of the residual stream.</param>
/// <param name="VocabSize">Size of the output vocabulary.</param>
/// <param name="MaxPositions">Longest sequence the position embedding supports.</param>
/// <param name="TiedEmbeddings">True when the output head shares the token embedding.</param>
/// <param name="ParameterCount">Number of scalar parameters (tied tensors counted once).</param>
/// <param name="Objective">The training objective: <c>causal</c> or <c>mlm</c>.</param>
public sealed record ModelDescription(
    string Architecture,
    int Layers,
    int Heads,
    int HiddenSize,
    int VocabSize,
    int MaxPositions,
    bool TiedEmbeddings,
    long ParameterCount,
    string Objective)
{
    /// <summary>Key/value heads per block (fewer than <see cref="Heads"/> under grouped-query or multi-query attention);
    /// 0 means the same as <see cref="Heads"/>.</summary>
    public int KeyValueHeads { get; init; }

    /// <summary>Width of one attention head; 0 means <see cref="HiddenSize"/> / <see cref="Heads"/>.</summary>
    public int HeadDim { get; init; }

    /// <summary>Width of the MLP's hidden layer; 0 when unknown.</summary>
    public int IntermediateSize { get; init; }

    /// <summary>The normalisation the blocks use: <c>layernorm</c> or <c>rmsnorm</c> (empty when unknown).</summary>
    public string NormKind { get; init; } = "";

    /// <summary>How positions enter the model: <c>learned</c> (an absolute position table) or <c>rotary</c> (RoPE);
    /// empty when unknown.</summary>
    public string PositionKind { get; init; } = "";

    /// <summary>The element type of the stored weights, as safetensors names it (<c>F32</c>, <c>F16</c>, <c>BF16</c>;
    /// <c>mixed</c> when tensors differ). Compute is float32 whatever is stored.</summary>
    public string StoredDType { get; init; } = "F32";
}
