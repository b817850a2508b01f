namespace InvarLock.Sdk.Models;

/// <summary>What a module does in a transformer, independent of how a checkpoint names it. Guards, edits and
/// invariants select modules by role (and <see cref="ModuleInfo.Layer"/>), never by tensor-name substrings.</summary>
/// <remarks>The family a guard groups by (<c>attn</c>, <c>ffn</c>, <c>embed</c>, <c>norm</c>, <c>other</c>) follows from
/// the role through <see cref="ModuleRoles.FamilyOf"/>, in one place.</remarks>
public enum ModuleRole
{
    /// <summary>The token embedding table (<c>wte</c>, <c>embed_tokens</c>).</summary>
    TokenEmbedding,
    /// <summary>A learned absolute position embedding table (<c>wpe</c>).</summary>
    PositionEmbedding,
    /// <summary>The normalisation before a block's attention (<c>ln_1</c>, <c>input_layernorm</c>).</summary>
    AttentionNorm,
    /// <summary>The query projection.</summary>
    Query,
    /// <summary>The key projection.</summary>
    Key,
    /// <summary>The value projection.</summary>
    Value,
    /// <summary>One projection producing queries, keys and values (GPT-2 <c>c_attn</c>, Phi-3 <c>qkv_proj</c>).</summary>
    FusedQkv,
    /// <summary>A per-head normalisation of the queries (Qwen3 <c>q_norm</c>).</summary>
    QueryNorm,
    /// <summary>A per-head normalisation of the keys (Qwen3 <c>k_norm</c>).</summary>
    KeyNorm,
    /// <summary>The attention output projection (<c>c_proj</c>, <c>o_proj</c>).</summary>
    AttentionOutput,
    /// <summary>The normalisation before a block's MLP (<c>ln_2</c>, <c>post_attention_layernorm</c>).</summary>
    MlpNorm,
    /// <summary>The gate projection of a gated MLP (<c>gate_proj</c>).</summary>
    Gate,
    /// <summary>The up projection (<c>up_proj</c>; GPT-2's <c>c_fc</c>, the first layer of a plain MLP).</summary>
    Up,
    /// <summary>One projection producing gate and up halves (Phi-3 <c>gate_up_proj</c>).</summary>
    FusedGateUp,
    /// <summary>The down projection (<c>down_proj</c>; GPT-2's <c>mlp.c_proj</c>).</summary>
    Down,
    /// <summary>The normalisation after the last block (<c>ln_f</c>, <c>model.norm</c>).</summary>
    FinalNorm,
    /// <summary>A separate output head (<c>lm_head</c>); absent when the head is tied to the token embedding.</summary>
    OutputHead,
}
