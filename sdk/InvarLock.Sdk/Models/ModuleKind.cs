namespace InvarLock.Sdk.Models;

/// <summary>The kind of a named module.</summary>
public enum ModuleKind
{
    /// <summary>A linear layer whose weight is stored [out, in] (PyTorch <c>nn.Linear</c>).</summary>
    Linear,
    /// <summary>A linear layer whose weight is stored [in, out] (Hugging Face GPT-2 <c>Conv1D</c>).</summary>
    Conv1D,
    /// <summary>A token or position embedding table [rows, width].</summary>
    Embedding,
    /// <summary>Layer normalisation with weight and bias.</summary>
    LayerNorm,
    /// <summary>Root-mean-square normalisation with weight only.</summary>
    RmsNorm,
}
