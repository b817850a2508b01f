namespace InvarLock.Sdk.Models;

/// <summary>Architecture-level facts about a loaded model.</summary>
/// <param name="Architecture">Model type as in config.json (for example <c>gpt2</c>).</param>
/// <param name="Layers">Number of transformer blocks.</param>
/// <param name="Heads">Attention heads per block.</param>
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
    string Objective);
