using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Invariants;

/// <summary>Captures a model's structural invariants as named JSON values (guards.md §2.2).</summary>
/// <remarks>Keys: <c>parameter_count</c>, <c>layer_norm_paths</c> (every module whose role is a norm — LayerNorm and
/// RMSNorm alike; the reference tracked LayerNorm only), <c>embedding_vocab_sizes</c> (rows of the token and position
/// embeddings), <c>config_vocab_size</c>, <c>weight_tying</c> (+ <c>weight_tying_arches</c>, keyed by the architecture:
/// whether the <see cref="ModuleRole.OutputHead"/> shares the <see cref="ModuleRole.TokenEmbedding"/>'s weight),
/// <c>structure_hash</c> (first 16 hex of SHA-256 over the sorted <c>name:Kind</c> lines) and <c>profile::&lt;check&gt;</c>.
/// Modules are selected by <see cref="ModuleInfo.Role"/>, never by name.</remarks>
internal static class StructureCapture
{
    public const string ParameterCount = "parameter_count";
    public const string LayerNormPaths = "layer_norm_paths";
    public const string EmbeddingVocabSizes = "embedding_vocab_sizes";
    public const string ConfigVocabSize = "config_vocab_size";
    public const string WeightTying = "weight_tying";
    public const string WeightTyingArches = "weight_tying_arches";
    public const string StructureHash = "structure_hash";

    /// <summary>The default profile checks of an architecture.</summary>
    public static IReadOnlyList<string> DefaultProfileChecks(ModelDescription description)
    {
        string arch = description.Architecture.ToLowerInvariant();
        if (arch.Contains("bert", StringComparison.Ordinal) || description.Objective == "mlm")
        {
            return ["mlm_mask_alignment"];
        }
        if (arch is "llama" or "mistral" or "mixtral" or "qwen" or "qwen2" or "qwen3" or "yi")
        {
            return ["rope_rotary_embedding"];
        }
        return ["causal_masking"];
    }

    public static SortedDictionary<string, JsonNode?> Capture(IModel model, IReadOnlyList<string> profileChecks)
    {
        var checks = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        long count = 0;
        foreach (ParameterInfo p in model.Parameters.All)
        {
            count += p.ElementCount;
        }
        checks[ParameterCount] = count;

        var norms = new List<string>();
        var vocab = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var lines = new List<string>(model.Modules.Count);
        ModuleInfo? tokenEmbedding = null;
        ModuleInfo? outputHead = null;
        foreach (ModuleInfo m in model.Modules)
        {
            lines.Add($"{m.Name}:{m.Kind}");
            if (ModuleRoles.IsNorm(m.Role))
            {
                norms.Add(m.Name);
            }
            if (m.Family == ModuleRoles.Embedding && model.Parameters.TryGet(m.WeightName, out ParameterInfo w) && w.Shape.Count >= 1)
            {
                vocab[m.Name] = w.Shape[0];
            }
            if (m.Role == ModuleRole.TokenEmbedding)
            {
                tokenEmbedding ??= m;
            }
            else if (m.Role == ModuleRole.OutputHead)
            {
                outputHead ??= m;
            }
        }
        norms.Sort(StringComparer.Ordinal);
        checks[LayerNormPaths] = new JsonArray([.. norms.Select(n => (JsonNode)n)]);
        if (vocab.Count > 0)
        {
            var v = new JsonObject();
            foreach (KeyValuePair<string, int> kv in vocab)
            {
                v[kv.Key] = kv.Value;
            }
            checks[EmbeddingVocabSizes] = v;
        }
        checks[ConfigVocabSize] = model.Description.VocabSize;

        if (tokenEmbedding is not null)
        {
            // A tied head either has no module of its own (the description says it is tied) or names the embedding's weight.
            bool tied = outputHead is not null
                ? string.Equals(outputHead.WeightName, tokenEmbedding.WeightName, StringComparison.Ordinal)
                : model.Description.TiedEmbeddings;
            checks[WeightTying] = tied;
            checks[WeightTyingArches] = new JsonObject { [model.Description.Architecture] = tied };
        }
        else
        {
            checks[WeightTying] = null;
        }

        lines.Sort(StringComparer.Ordinal);
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        checks[StructureHash] = Convert.ToHexStringLower(digest)[..16];

        foreach (string check in profileChecks)
        {
            checks["profile::" + check] = EvaluateProfileCheck(model, check);
        }
        return checks;
    }

    private static bool EvaluateProfileCheck(IModel model, string check)
    {
        string arch = model.Description.Architecture.ToLowerInvariant();
        switch (check)
        {
            case "mlm_mask_alignment":
                return arch.Contains("bert", StringComparison.Ordinal) || model.Description.Objective == "mlm";
            case "rope_rotary_embedding":
            case "rotary_embedding":
                // Rotary position embeddings have no parameters: the description says so, or the model has a token
                // embedding and no position-embedding table.
                return model.Description.PositionKind == "rotary"
                    || (HasRole(model, ModuleRole.TokenEmbedding) && !HasRole(model, ModuleRole.PositionEmbedding));
            case "causal_masking":
            case "causal":
                return model.Description.Objective == "causal"
                    || new[] { "gpt", "mistral", "mixtral", "qwen", "opt", "phi", "llama" }.Any(k => arch.Contains(k, StringComparison.Ordinal));
            default:
                return true;
        }
    }

    private static bool HasRole(IModel model, ModuleRole role)
    {
        foreach (ModuleInfo m in model.Modules)
        {
            if (m.Role == role)
            {
                return true;
            }
        }
        return false;
    }
}
