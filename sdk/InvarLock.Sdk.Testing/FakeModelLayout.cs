namespace InvarLock.Sdk.Testing;

/// <summary>The decoder layouts a <see cref="FakeModel"/> can take: parameter names, shapes, module roles and kinds as the
/// Hugging Face checkpoints of that family have them.</summary>
public enum FakeModelLayout
{
    /// <summary>GPT-2: <c>transformer.*</c> names, Conv1D weights stored <c>[in, out]</c>, LayerNorm with bias, a learned
    /// position table, a fused <c>attn.c_attn</c>, a plain GELU MLP (<c>c_fc</c>, <c>c_proj</c>) and a head tied to
    /// <c>transformer.wte</c>.</summary>
    Gpt2,

    /// <summary>LLaMA: <c>model.*</c> names, Linear weights stored <c>[out, in]</c> without biases, RMSNorm (weight only),
    /// no position table (rotary), separate <c>q_proj</c> / <c>k_proj</c> / <c>v_proj</c> with fewer key/value heads
    /// (GQA), a SwiGLU MLP (<c>gate_proj</c>, <c>up_proj</c>, <c>down_proj</c>) and an untied <c>lm_head</c>.</summary>
    Llama,

    /// <summary>Phi-3: as <see cref="Llama"/> but with one fused <c>self_attn.qkv_proj</c> (rows q; k; v) and one fused
    /// <c>mlp.gate_up_proj</c> (rows gate; up).</summary>
    Phi3,
}
