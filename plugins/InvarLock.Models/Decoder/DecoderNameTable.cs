using System.Globalization;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Decoder;

/// <summary>The Hugging Face module names of a decoder family by role: the tensor-name map, in the spirit of
/// gguf-py's. Block patterns hold <c>{0}</c> for the layer index; a module's weight is <c>name.weight</c>, its bias
/// <c>name.bias</c>.</summary>
internal sealed class DecoderNameTable
{
    private readonly Dictionary<ModuleRole, string> _patterns;

    internal DecoderNameTable(Dictionary<ModuleRole, string> patterns)
    {
        _patterns = patterns;
    }

    /// <summary>GPT-2 (<c>GPT2LMHeadModel</c>).</summary>
    internal static DecoderNameTable Gpt2 { get; } = new(new Dictionary<ModuleRole, string>
    {
        [ModuleRole.TokenEmbedding] = "transformer.wte",
        [ModuleRole.PositionEmbedding] = "transformer.wpe",
        [ModuleRole.AttentionNorm] = "transformer.h.{0}.ln_1",
        [ModuleRole.FusedQkv] = "transformer.h.{0}.attn.c_attn",
        [ModuleRole.AttentionOutput] = "transformer.h.{0}.attn.c_proj",
        [ModuleRole.MlpNorm] = "transformer.h.{0}.ln_2",
        [ModuleRole.Up] = "transformer.h.{0}.mlp.c_fc",
        [ModuleRole.Down] = "transformer.h.{0}.mlp.c_proj",
        [ModuleRole.FinalNorm] = "transformer.ln_f",
        [ModuleRole.OutputHead] = "lm_head",
    });

    /// <summary>The LLaMA layout shared by Mistral, Qwen2/3, Phi-3 and Gemma (<c>model.layers.N.…</c>).</summary>
    internal static DecoderNameTable Llama { get; } = new(new Dictionary<ModuleRole, string>
    {
        [ModuleRole.TokenEmbedding] = "model.embed_tokens",
        [ModuleRole.AttentionNorm] = "model.layers.{0}.input_layernorm",
        [ModuleRole.Query] = "model.layers.{0}.self_attn.q_proj",
        [ModuleRole.Key] = "model.layers.{0}.self_attn.k_proj",
        [ModuleRole.Value] = "model.layers.{0}.self_attn.v_proj",
        [ModuleRole.FusedQkv] = "model.layers.{0}.self_attn.qkv_proj",
        [ModuleRole.QueryNorm] = "model.layers.{0}.self_attn.q_norm",
        [ModuleRole.KeyNorm] = "model.layers.{0}.self_attn.k_norm",
        [ModuleRole.AttentionOutput] = "model.layers.{0}.self_attn.o_proj",
        [ModuleRole.MlpNorm] = "model.layers.{0}.post_attention_layernorm",
        [ModuleRole.Gate] = "model.layers.{0}.mlp.gate_proj",
        [ModuleRole.Up] = "model.layers.{0}.mlp.up_proj",
        [ModuleRole.FusedGateUp] = "model.layers.{0}.mlp.gate_up_proj",
        [ModuleRole.Down] = "model.layers.{0}.mlp.down_proj",
        [ModuleRole.FinalNorm] = "model.norm",
        [ModuleRole.OutputHead] = "lm_head",
    });

    /// <summary>The module name of <paramref name="role"/> in block <paramref name="layer"/> (or outside the blocks
    /// for layer −1).</summary>
    internal string Module(ModuleRole role, int layer = -1)
    {
        if (!_patterns.TryGetValue(role, out string? pattern))
        {
            throw new InvalidOperationException($"the name table has no {role} module");
        }
        return layer < 0 ? pattern : string.Format(CultureInfo.InvariantCulture, pattern, layer);
    }

    internal string Weight(ModuleRole role, int layer = -1) => Module(role, layer) + ".weight";

    internal string Bias(ModuleRole role, int layer = -1) => Module(role, layer) + ".bias";

    /// <summary>The block index of a tensor named like one of this table's block modules, or −1.</summary>
    internal int LayerOf(string tensorName)
    {
        string prefix = _patterns[ModuleRole.AttentionNorm];
        int brace = prefix.IndexOf("{0}", StringComparison.Ordinal);
        string head = prefix[..brace];
        if (!tensorName.StartsWith(head, StringComparison.Ordinal))
        {
            return -1;
        }
        int dot = tensorName.IndexOf('.', head.Length);
        return dot > head.Length && int.TryParse(tensorName.AsSpan(head.Length, dot - head.Length), NumberStyles.None,
            CultureInfo.InvariantCulture, out int layer) ? layer : -1;
    }
}
