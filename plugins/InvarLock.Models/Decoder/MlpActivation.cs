namespace InvarLock.Models.Decoder;

/// <summary>The MLP's non-linearity.</summary>
internal enum MlpActivation
{
    /// <summary>GELU, tanh approximation (<c>gelu_new</c>, <c>gelu_pytorch_tanh</c>, <c>gelu_fast</c>).</summary>
    GeluTanh,

    /// <summary>GELU with the exact erf (<c>gelu</c>).</summary>
    GeluErf,

    /// <summary>SiLU (<c>silu</c>, <c>swish</c>).</summary>
    Silu,
}
