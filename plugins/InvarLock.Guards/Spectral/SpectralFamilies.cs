using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Spectral;

/// <summary>Family classification and scope selection of weight matrices for the spectral guard (guards.md §3.3, §3.4, §6).</summary>
internal static class SpectralFamilies
{
    public const string Ffn = "ffn";
    public const string Attn = "attn";
    public const string Embed = "embed";
    public const string Other = "other";
    public const string Router = "router";
    public const string ExpertFfn = "expert_ffn";

    /// <summary>First match wins on the lower-cased name. Unlike the reference, LLaMA-style <c>gate_proj</c> is ffn (DESIGN.md).</summary>
    public static string Classify(string name, ModuleKind kind)
    {
        string n = name.ToLowerInvariant();
        if (n.Contains("gate_proj", StringComparison.Ordinal))
        {
            return Ffn;
        }
        if (ContainsAny(n, "router", "routing", "gate", "gating", "dispatch", "switch"))
        {
            return Router;
        }
        if (ContainsAny(n, "experts", "expert", "moe", "mixture_of_experts"))
        {
            return ExpertFfn;
        }
        if (ContainsAny(n, "mlp", "ffn", "feed_forward"))
        {
            return Ffn;
        }
        if (ContainsAny(n, "attn", "attention", "q_proj", "k_proj", "v_proj", "o_proj", "c_attn"))
        {
            return Attn;
        }
        if (ContainsAny(n, "embed", "wte", "embedding"))
        {
            return Embed;
        }
        if (kind == ModuleKind.Embedding)
        {
            return Embed;
        }
        return Other;
    }

    /// <summary>Whether a module is in the guard's scope: <c>all</c>; <c>attn</c> (attn, attention, self_attn);
    /// <c>ffn</c> (mlp, ffn, feed_forward, fc); <c>ffn+proj</c> (ffn plus c_proj, projection).</summary>
    public static bool InScope(string name, string scope)
    {
        string n = name.ToLowerInvariant();
        return scope switch
        {
            "attn" => ContainsAny(n, "attn", "attention", "self_attn"),
            "ffn" => ContainsAny(n, "mlp", "ffn", "feed_forward", "fc"),
            "ffn+proj" => ContainsAny(n, "mlp", "ffn", "feed_forward", "fc", "c_proj", "projection"),
            _ => true,
        };
    }

    internal static bool ContainsAny(string haystack, params string[] needles)
    {
        foreach (string needle in needles)
        {
            if (haystack.Contains(needle, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
