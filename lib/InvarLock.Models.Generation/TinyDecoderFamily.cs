namespace InvarLock.Models.Generation;

/// <summary>The decoder families <see cref="TinyDecoderGenerator"/> writes, each named after its Hugging Face
/// <c>model_type</c>.</summary>
public enum TinyDecoderFamily
{
    /// <summary><c>gpt2</c>: LayerNorm, learned positions, Conv1D weights (written by <see cref="TinyGpt2Generator"/>).</summary>
    Gpt2,
    /// <summary><c>llama</c>: RMSNorm, RoPE, SwiGLU, optional <c>attention_bias</c>.</summary>
    Llama,
    /// <summary><c>mistral</c>: llama's math plus <c>sliding_window</c>.</summary>
    Mistral,
    /// <summary><c>qwen2</c>: llama's math with biases on q, k and v.</summary>
    Qwen2,
    /// <summary><c>qwen3</c>: per-head RMSNorm on q and k before RoPE, explicit <c>head_dim</c>.</summary>
    Qwen3,
    /// <summary><c>phi3</c>: fused <c>qkv_proj</c> and <c>gate_up_proj</c>.</summary>
    Phi3,
    /// <summary><c>gemma</c>: RMSNorm scaled by 1 + w, embeddings × √hidden, GeGLU (tanh GELU), explicit <c>head_dim</c>.</summary>
    Gemma,
}
