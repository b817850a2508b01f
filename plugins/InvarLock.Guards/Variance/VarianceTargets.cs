using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Variance;

/// <summary>One residual-branch output projection the variance guard may scale.</summary>
/// <param name="Name">The module's real name (for example <c>model.layers.3.mlp.down_proj</c>).</param>
/// <param name="Alias">The GPT-2-form name the reference uses (<c>transformer.h.3.mlp.c_proj</c>); tap patterns match either.</param>
/// <param name="Layer">Block index.</param>
/// <param name="Branch"><c>attn</c> or <c>mlp</c>.</param>
/// <param name="WeightName">The parameter scaled when VE is enabled (never the bias).</param>
internal sealed record VarianceTarget(string Name, string Alias, int Layer, string Branch, string WeightName);

/// <summary>The resolved targets plus the resolution record written to the report.</summary>
internal sealed record TargetResolution(IReadOnlyList<VarianceTarget> Targets, JsonObject Record);

/// <summary>Resolves VE targets by role (guards.md §5.2, with DESIGN.md's fix: the reference only understood GPT-2 names):
/// the residual-branch output projections, <see cref="ModuleRole.AttentionOutput"/> (branch <c>attn</c>) and
/// <see cref="ModuleRole.Down"/> (branch <c>mlp</c>), one per block.</summary>
/// <remarks>Fused projections do not change the targets: the fused ones (qkv, gate-up) feed the branch, while VE scales the
/// projection that writes the branch's output into the residual stream, which no supported architecture fuses.</remarks>
internal static class VarianceTargets
{
    /// <summary>The branch of an output projection (<c>attn</c> or <c>mlp</c>), or null when the module is not one.</summary>
    public static string? BranchOf(ModuleInfo module) => module.Role switch
    {
        ModuleRole.AttentionOutput => "attn",
        ModuleRole.Down => "mlp",
        _ => null,
    };

    public static TargetResolution Resolve(IModel model, VarianceOptions options)
    {
        var patterns = options.Tap.Select(GlobToRegex).ToList();
        var byLayerBranch = new SortedDictionary<(int, string), ModuleInfo>();
        foreach (ModuleInfo m in model.Modules)
        {
            string? branch = BranchOf(m);
            if (branch is null || m.Layer < 0)
            {
                continue;
            }
            byLayerBranch.TryAdd((m.Layer, branch), m);
        }
        var rejected = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        void Reject(string reason, string name)
        {
            if (!rejected.TryGetValue(reason, out List<string>? list))
            {
                rejected[reason] = list = [];
            }
            list.Add(name);
        }
        var branches = options.Scope switch
        {
            "attn" => new[] { "attn" },
            "both" => ["attn", "mlp"],
            _ => ["mlp"],
        };
        var targets = new List<VarianceTarget>();
        for (int layer = 0; layer < Math.Max(model.Description.Layers, 0); layer++)
        {
            foreach (string branch in branches)
            {
                string alias = $"transformer.h.{layer}.{branch}.c_proj";
                if (!byLayerBranch.TryGetValue((layer, branch), out ModuleInfo? m))
                {
                    Reject("missing_module", alias);
                    continue;
                }
                if (!patterns.Any(p => p.IsMatch(m.Name) || p.IsMatch(alias)))
                {
                    Reject("tap_mismatch", m.Name);
                    continue;
                }
                if (m.Kind is not (ModuleKind.Linear or ModuleKind.Conv1D)
                    || !model.Parameters.TryGet(m.WeightName, out ParameterInfo w) || w.Shape.Count != 2)
                {
                    Reject("unsupported_type", m.Name);
                    continue;
                }
                targets.Add(new VarianceTarget(m.Name, alias, layer, branch, m.WeightName));
            }
        }
        bool focusMiss = false;
        if (options.TargetModules is { Count: > 0 } focus)
        {
            var focusSet = new HashSet<string>(focus, StringComparer.Ordinal);
            var kept = targets.Where(t => focusSet.Contains(t.Name) || focusSet.Contains(t.Alias)).ToList();
            if (kept.Count > 0)
            {
                targets = kept;
            }
            else
            {
                focusMiss = true;
            }
        }
        targets.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var rejectedJson = new JsonObject();
        foreach (KeyValuePair<string, List<string>> kv in rejected)
        {
            rejectedJson[kv.Key] = new JsonObject
            {
                ["count"] = kv.Value.Count,
                ["examples"] = new JsonArray([.. kv.Value.Take(5).Select(n => (JsonNode)n)]),
            };
        }
        var record = new JsonObject
        {
            ["scope"] = options.Scope,
            ["tap"] = new JsonArray([.. options.Tap.Select(t => (JsonNode)t)]),
            ["total_matched"] = targets.Count,
            ["matched"] = new JsonArray([.. targets.Select(t => (JsonNode)t.Name)]),
            ["aliases"] = new JsonArray([.. targets.Select(t => (JsonNode)t.Alias)]),
            ["focus_miss"] = focusMiss,
            ["rejected"] = rejectedJson,
        };
        return new TargetResolution(targets, record);
    }

    /// <summary>fnmatch-style glob: <c>*</c> any run (dots included), <c>?</c> one character, <c>[...]</c> a set.</summary>
    internal static Regex GlobToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            switch (c)
            {
                case '*':
                    sb.Append(".*");
                    break;
                case '?':
                    sb.Append('.');
                    break;
                case '[':
                    int close = glob.IndexOf(']', i + 1);
                    if (close < 0)
                    {
                        sb.Append("\\[");
                        break;
                    }
                    string set = glob[(i + 1)..close];
                    sb.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                    i = close;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }
}
