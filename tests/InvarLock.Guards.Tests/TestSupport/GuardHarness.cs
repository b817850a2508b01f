using System.Text.Json;
using InvarLock.Metrics;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Tests.TestSupport;

/// <summary>Builds guard contexts and the tier policy sections of guards.md §1.5 (what core's resolver hands each guard).</summary>
internal static class GuardHarness
{
    public static readonly string[] Tiers = ["balanced", "conservative", "aggressive"];

    public static JsonElement Json(string json) => GuardTestContext.Policy(json);

    public static JsonElement Empty => GuardTestContext.EmptyPolicy;

    public static GuardContext Context(IModel model, JsonElement? policy = null, IReadOnlyList<ReadOnlyMemory<int>>? windows = null,
        string tier = "balanced", string profile = "dev", string? edit = null, bool observeOnly = false) =>
        GuardTestContext.Context(model, policy, windows, tier, profile, edit, observeOnly, metric: Metric);

    /// <summary>The primary metric the host hands every guard: <c>ppl_causal</c>.</summary>
    public static IPrimaryMetric Metric { get; } = new CausalPerplexityMetric();

    /// <summary>The effective runtime policy section of <paramref name="guard"/> in <paramref name="tier"/> (guards.md §1.5).</summary>
    public static JsonElement TierPolicy(string guard, string tier) => Json((guard, tier) switch
    {
        ("spectral", "balanced") => """{"sigma_quantile":0.95,"deadband":0.10,"scope":"all","max_caps":5,"max_spectral_norm":null,"family_caps":{"ffn":{"kappa":3.849},"attn":{"kappa":3.018},"embed":{"kappa":1.05},"other":{"kappa":0.0}},"multiple_testing":{"method":"bh","alpha":0.05,"m":4},"ignore_preview_inflation":true}""",
        ("spectral", "conservative") => """{"sigma_quantile":0.90,"deadband":0.05,"scope":"ffn","max_caps":3,"max_spectral_norm":null,"family_caps":{"ffn":{"kappa":3.849},"attn":{"kappa":2.6},"embed":{"kappa":2.8},"other":{"kappa":2.8}},"multiple_testing":{"method":"bonferroni","alpha":0.000625,"m":4},"ignore_preview_inflation":true}""",
        ("spectral", "aggressive") => """{"sigma_quantile":0.98,"deadband":0.15,"scope":"ffn","max_caps":8,"max_spectral_norm":null,"family_caps":{"ffn":{"kappa":3.849},"attn":{"kappa":3.5},"embed":{"kappa":2.5},"other":{"kappa":3.5}},"multiple_testing":{"method":"bh","alpha":0.00078125,"m":4},"ignore_preview_inflation":true}""",
        ("rmt", "balanced") => """{"margin":1.5,"deadband":0.10,"correct":true,"epsilon_default":0.01,"epsilon_by_family":{"ffn":0.01,"attn":0.01,"embed":0.01,"other":0.01}}""",
        ("rmt", "conservative") => """{"margin":1.3,"deadband":0.05,"correct":true,"epsilon_default":0.01,"epsilon_by_family":{"ffn":0.01,"attn":0.01,"embed":0.01,"other":0.01}}""",
        ("rmt", "aggressive") => """{"margin":1.8,"deadband":0.15,"correct":true,"epsilon_default":0.01,"epsilon_by_family":{"ffn":0.01,"attn":0.01,"embed":0.01,"other":0.01}}""",
        ("variance", "balanced") => """{"min_gain":0.0,"min_rel_gain":0.001,"max_calib":200,"scope":"ffn","clamp":[0.85,1.12],"deadband":0.02,"seed":123,"mode":"ci","alpha":0.05,"tie_breaker_deadband":0.001,"min_effect_lognll":0.0,"min_abs_adjust":0.012,"max_scale_step":0.03,"topk_backstop":1,"max_adjusted_modules":1,"predictive_one_sided":true,"tap":"transformer.h.*.mlp.c_proj","predictive_gate":true,"calibration":{"windows":8,"min_coverage":6,"seed":123}}""",
        ("variance", "conservative") => """{"min_gain":0.01,"min_rel_gain":0.002,"max_calib":160,"scope":"ffn","clamp":[0.85,1.12],"deadband":0.03,"seed":42,"mode":"ci","alpha":0.05,"tie_breaker_deadband":0.005,"min_effect_lognll":0.016,"min_abs_adjust":0.02,"max_scale_step":0.015,"topk_backstop":0,"max_adjusted_modules":0,"predictive_one_sided":false,"tap":"transformer.h.*.mlp.c_proj","predictive_gate":true,"calibration":{"windows":10,"min_coverage":8,"seed":42}}""",
        ("variance", "aggressive") => """{"min_gain":0.0,"min_rel_gain":0.0025,"max_calib":240,"scope":"both","clamp":[0.3,3.0],"deadband":0.12,"seed":456,"mode":"ci","alpha":0.05,"tie_breaker_deadband":0.0005,"min_effect_lognll":0.033,"min_abs_adjust":0.012,"max_scale_step":0.03,"topk_backstop":1,"max_adjusted_modules":0,"predictive_one_sided":false,"tap":["transformer.h.*.mlp.c_proj","transformer.h.*.attn.c_proj"],"predictive_gate":true,"calibration":{"windows":6,"min_coverage":4,"seed":456}}""",
        ("invariants", _) => "{}",
        _ => throw new ArgumentException($"{guard}/{tier}"),
    });
}
