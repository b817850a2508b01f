using InvarLock.Compute;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Rmt;

/// <summary>Edge risk of one activation matrix and module/family classification for the RMT guard (guards.md §4.3, §4.4).</summary>
internal static class ActivationEdgeRisk
{
    /// <summary>The Marchenko–Pastur edge √m + √n of an m × n whitened matrix.</summary>
    public static double MpEdge(int m, int n) => Math.Sqrt(m) + Math.Sqrt(n);

    /// <summary>Risk r = σ̂ / (√m + √n) of the globally whitened activations <c>(A − μ)/s</c> (never materialised),
    /// computed by <see cref="PowerIteration.ActivationEdgeRisk"/>; null when A is empty, too short, not finite, or has no
    /// spread.</summary>
    public static (double Risk, double Sigma, double Edge)? Compute(ReadOnlySpan<float> a, int m, int n, int iters, PowerIterationStart init)
    {
        if (m <= 0 || n <= 0 || a.Length < (long)m * n)
        {
            return null;
        }
        EdgeRisk? risk = PowerIteration.ActivationEdgeRisk(a, m, n, iters, init);
        return risk is { } r ? (r.Risk, r.Sigma, r.MarchenkoPasturEdge) : null;
    }

    /// <summary>Modules the RMT guard taps, by role (guards.md §4.3 restated on roles): the token and position embeddings,
    /// the residual-stream norms (attention, MLP and final norm — RMSNorm as well as LayerNorm, so LLaMA-family models are
    /// tapped like GPT-2; the reference hooked LayerNorm only), and every attention and MLP projection (q, k, v, fused qkv,
    /// output, gate, up, fused gate-up, down). Not tapped: the output head (as in the reference) and the per-head
    /// query/key norms (Qwen3), which act inside attention on what the query and key taps already see.</summary>
    public static bool IsTapped(ModuleInfo module) => module.Role switch
    {
        ModuleRole.TokenEmbedding or ModuleRole.PositionEmbedding => true,
        ModuleRole.AttentionNorm or ModuleRole.MlpNorm or ModuleRole.FinalNorm => true,
        _ => ModuleRoles.IsBlockProjection(module.Role),
    };

    /// <summary>RMT family of a tapped module: <c>attn</c>, <c>ffn</c> (gate included) and <c>embed</c> from
    /// <see cref="ModuleRoles.FamilyOf"/>; the norms are <c>other</c>, as the reference classifies GPT-2's <c>ln_1</c>,
    /// <c>ln_2</c> and <c>ln_f</c> (its ε table has no norm family).</summary>
    public static string Family(ModuleInfo module) => module.Family switch
    {
        ModuleRoles.Attention or ModuleRoles.Ffn or ModuleRoles.Embedding => module.Family,
        _ => ModuleRoles.Other,
    };

    /// <summary>Window indices to sample: evenly spaced <c>round(i·(n−1)/(k−1))</c> (banker's rounding), first k, or last k.</summary>
    public static IReadOnlyList<int> SampleIndices(int available, int count, string policy)
    {
        int k = Math.Min(count, available);
        if (k <= 0)
        {
            return [];
        }
        var result = new List<int>(k);
        switch (policy)
        {
            case "last":
                for (int i = available - k; i < available; i++)
                {
                    result.Add(i);
                }
                break;
            case "evenly_spaced":
                if (k == 1)
                {
                    result.Add(0);
                    break;
                }
                for (int i = 0; i < k; i++)
                {
                    result.Add((int)Math.Round((double)i * (available - 1) / (k - 1), MidpointRounding.ToEven));
                }
                break;
            default:
                for (int i = 0; i < k; i++)
                {
                    result.Add(i);
                }
                break;
        }
        return result;
    }
}

/// <summary>Accumulates token-weighted edge risk per module during a forward pass.</summary>
internal sealed class EdgeRiskTap(IReadOnlySet<string> modules, int iters, PowerIterationStart init) : IActivationTap
{
    private readonly SortedDictionary<string, (double WeightedSum, double Weight, double Max)> _acc = new(StringComparer.Ordinal);

    public IReadOnlySet<string> ModuleNames { get; } = modules;

    public double TokenWeightTotal { get; private set; }

    private readonly HashSet<int> _windowsSeen = [];

    public int WindowsUsed => _windowsSeen.Count;

    public void OnActivation(string moduleName, int windowIndex, ReadOnlySpan<float> activations, int tokens, int width)
    {
        if (_windowsSeen.Add(windowIndex))
        {
            TokenWeightTotal += Math.Max(tokens, 1);
        }
        var r = ActivationEdgeRisk.Compute(activations, tokens, width, iters, init);
        if (r is null)
        {
            return;
        }
        double w = Math.Max(tokens, 1);
        _acc.TryGetValue(moduleName, out var a);
        _acc[moduleName] = (a.WeightedSum + (r.Value.Risk * w), a.Weight + w, Math.Max(a.Max, r.Value.Risk));
    }

    /// <summary>Token-weighted mean risk per module (sorted by name); modules never scored are absent.</summary>
    public SortedDictionary<string, double> ModuleScores()
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var kv in _acc)
        {
            if (kv.Value.Weight > 0)
            {
                result[kv.Key] = kv.Value.WeightedSum / kv.Value.Weight;
            }
        }
        return result;
    }
}
