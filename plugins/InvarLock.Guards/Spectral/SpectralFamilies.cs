using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Spectral;

/// <summary>Family classification and scope selection of weight matrices for the spectral guard (guards.md §3.3, §3.4, §6),
/// by <see cref="ModuleInfo.Role"/> — never by tensor name.</summary>
/// <remarks>
/// <para>The family is <see cref="ModuleRoles.FamilyOf"/>: attention projections (q, k, v, fused qkv, output) are
/// <c>attn</c>; MLP projections (gate, up, fused gate-up, down) are <c>ffn</c> — unlike the reference, LLaMA's
/// <c>gate_proj</c> is ffn, not router (DESIGN.md); embeddings are <c>embed</c>; an untied output head is <c>other</c>.
/// Norms never reach the guard (their weights are 1-D). The role vocabulary has no mixture-of-experts roles, so the
/// reference's <c>router</c> and <c>expert_ffn</c> families do not occur; their names stay because policies may still give
/// them a cap.</para>
/// <para>A fused projection (GPT-2 <c>c_attn</c>, Phi-3 <c>qkv_proj</c> and <c>gate_up_proj</c>) is measured as the one
/// matrix the checkpoint stores, in its family, as the reference measures <c>c_attn</c>. z-scores are cross-sectional within
/// a family of one model, where every layer is fused the same way, so the per-family caps keep their meaning; a fused
/// matrix's σ is at least that of each of its stacked parts.</para>
/// </remarks>
internal static class SpectralFamilies
{
    public const string Ffn = ModuleRoles.Ffn;
    public const string Attn = ModuleRoles.Attention;
    public const string Embed = ModuleRoles.Embedding;
    public const string Other = ModuleRoles.Other;
    public const string Router = "router";
    public const string ExpertFfn = "expert_ffn";

    /// <summary>The spectral family of <paramref name="module"/>: <see cref="ModuleRoles.FamilyOf"/> of its role.</summary>
    public static string Classify(ModuleInfo module) => module.Family;

    /// <summary>Whether a module is in the guard's scope: <c>all</c> (every 2-D weight); <c>attn</c> (the attention
    /// projections); <c>ffn</c> (the MLP projections); <c>ffn+proj</c> (the MLP projections plus the attention output
    /// projection, the reference's "c_proj / projection" addition). Any other scope string selects everything, as in the
    /// reference.</summary>
    public static bool InScope(ModuleInfo module, string scope) => scope switch
    {
        "attn" => module.Family == Attn,
        "ffn" => module.Family == Ffn,
        "ffn+proj" => module.Family == Ffn || module.Role == ModuleRole.AttentionOutput,
        _ => true,
    };
}
