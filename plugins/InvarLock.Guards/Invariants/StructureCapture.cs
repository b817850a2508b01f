using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Invariants;

/// <summary>Captures a model's structural invariants as named JSON values (guards.md §2.2).</summary>
/// <remarks>Keys: <c>parameter_count</c>, <c>layer_norm_paths</c> (LayerNorm and RMSNorm modules — our port tracks RMSNorm too),
/// <c>embedding_vocab_sizes</c>, <c>config_vocab_size</c>, <c>weight_tying</c> (+ <c>weight_tying_arches</c>),
/// <c>structure_hash</c> (first 16 hex of SHA-256 over the sorted <c>name:Kind</c> lines) and <c>profile::&lt;check&gt;</c>.</remarks>
internal static class StructureCapture
{
    public const string ParameterCount = "parameter_count";
    public const string LayerNormPaths = "layer_norm_paths";
    public const string EmbeddingVocabSizes = "embedding_vocab_sizes";
    public const string ConfigVocabSize = "config_vocab_size";
    public const string WeightTying = "weight_tying";
    public const string WeightTyingArches = "weight_tying_arches";
    public const string StructureHash = "structure_hash";

    private static readonly (string Arch, string Embedding, string Head)[] TyingPairs =
    [
        ("bert", "bert.embeddings.word_embeddings", "cls.predictions.decoder"),
        ("embed_tokens", "model.embed_tokens", "lm_head"),
        ("gpt2", "transformer.wte", "lm_head"),
    ];

    /// <summary>The default profile checks of an architecture.</summary>
    public static IReadOnlyList<string> DefaultProfileChecks(ModelDescription description)
    {
        string arch = description.Architecture.ToLowerInvariant();
        if (arch.Contains("bert", StringComparison.Ordinal) || description.Objective == "mlm")
        {
            return ["mlm_mask_alignment"];
        }
        if (arch is "llama" or "mistral" or "mixtral" or "qwen" or "qwen2" or "yi")
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
        var byName = new Dictionary<string, ModuleInfo>(StringComparer.Ordinal);
        var lines = new List<string>(model.Modules.Count);
        foreach (ModuleInfo m in model.Modules)
        {
            byName[m.Name] = m;
            lines.Add($"{m.Name}:{m.Kind}");
            if (m.Kind is ModuleKind.LayerNorm or ModuleKind.RmsNorm)
            {
                norms.Add(m.Name);
            }
            if (m.Kind == ModuleKind.Embedding && model.Parameters.TryGet(m.WeightName, out ParameterInfo w) && w.Shape.Count >= 1)
            {
                vocab[m.Name] = w.Shape[0];
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

        var flags = new JsonObject();
        bool allTied = true;
        foreach ((string arch, string embedding, string head) in TyingPairs)
        {
            if (!byName.TryGetValue(embedding, out ModuleInfo? emb))
            {
                continue;
            }
            bool tied = byName.TryGetValue(head, out ModuleInfo? h)
                ? string.Equals(h.WeightName, emb.WeightName, StringComparison.Ordinal)
                : model.Description.TiedEmbeddings;
            flags[arch] = tied;
            allTied &= tied;
        }
        if (flags.Count > 0)
        {
            checks[WeightTying] = allTied;
            checks[WeightTyingArches] = flags;
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
            checks["profile::" + check] = EvaluateProfileCheck(model, byName, check);
        }
        return checks;
    }

    private static bool EvaluateProfileCheck(IModel model, Dictionary<string, ModuleInfo> byName, string check)
    {
        string arch = model.Description.Architecture.ToLowerInvariant();
        switch (check)
        {
            case "mlm_mask_alignment":
                return arch.Contains("bert", StringComparison.Ordinal) || byName.ContainsKey("cls.predictions.decoder");
            case "rope_rotary_embedding":
            case "rotary_embedding":
                // Rotary position embeddings have no parameters; a LLaMA-style model is recognised by having no
                // position-embedding table next to model.embed_tokens.
                return byName.ContainsKey("model.embed_tokens") && !byName.Keys.Any(n => n.Contains("position", StringComparison.Ordinal) || n.EndsWith(".wpe", StringComparison.Ordinal));
            case "causal_masking":
            case "causal":
                return model.Description.Objective == "causal"
                    || new[] { "gpt", "mistral", "mixtral", "qwen", "opt", "phi", "llama" }.Any(k => arch.Contains(k, StringComparison.Ordinal));
            default:
                return true;
        }
    }
}
