namespace InvarLock.Models.Decoder;

/// <summary>How a decoder normalises the residual stream.</summary>
internal enum NormKind
{
    /// <summary>LayerNorm with weight and bias (GPT-2).</summary>
    LayerNorm,

    /// <summary>RMSNorm with a weight only (LLaMA and the families after it).</summary>
    RmsNorm,
}
