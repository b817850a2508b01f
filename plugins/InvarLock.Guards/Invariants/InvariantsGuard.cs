using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Guards.Common;
using InvarLock.Numerics;
using InvarLock.Sdk;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Invariants;

/// <summary>The <c>invariants</c> guard (guards.md §2): captures the baseline's structure and checks the subject for
/// non-finite weights, per-role shapes that contradict the description (<see cref="RoleShapes"/>), missing norms, changed
/// vocabulary sizes, changed tying, parameter counts and structure hash.</summary>
/// <remarks>The chain runs it first and last; each instance prepares and validates on its own.
/// Decision (§2.3): fatal findings fail with <c>on_fail</c> (abort when <c>on_fail</c> is warn); warnings alone pass with
/// Warn unless <c>on_fail</c> is rollback/abort. Fatal: non-finite tensors, shape mismatches, vocabulary mismatches, and in strict mode also
/// missing norms and changed invariants. Validation without a successful preparation aborts (<see cref="GuardBase{TPolicy}"/>).</remarks>
internal sealed class InvariantsGuard : GuardBase<InvariantsOptions>
{
    internal const string NonFinite = "non_finite_tensor";
    internal const string NormMissing = "layer_norm_missing";
    internal const string TokenizerMismatch = "tokenizer_mismatch";
    internal const string InvariantViolation = "invariant_violation";
    internal const string ShapeMismatch = "shape_mismatch";

    private SortedDictionary<string, JsonNode?>? _baseline;
    private IReadOnlyList<string> _profileChecks = [];

    /// <inheritdoc />
    public override PluginDescriptor Descriptor => GuardDescriptors.Invariants;

    /// <inheritdoc />
    protected override InvariantsOptions ParsePolicy(PolicyReader policy) => InvariantsOptions.Read(policy);

    /// <inheritdoc />
    protected override GuardPrepared PrepareCore(GuardContext context, InvariantsOptions policy)
    {
        _profileChecks = policy.ProfileChecks ?? StructureCapture.DefaultProfileChecks(context.Model.Description);
        _baseline = StructureCapture.Capture(context.Model, _profileChecks);
        return new GuardPrepared(true, new JsonObject
        {
            ["baseline_checks"] = _baseline.Count,
            ["strict_mode"] = policy.StrictMode,
            ["on_fail"] = ActionName(policy.OnFail),
            ["structure_hash"] = _baseline[StructureCapture.StructureHash]?.DeepClone(),
        });
    }

    /// <inheritdoc />
    protected override GuardOutcome ValidateCore(GuardContext context, InvariantsOptions policy)
    {
        SortedDictionary<string, JsonNode?> baseline = _baseline!;
        IModel model = context.Model;
        SortedDictionary<string, JsonNode?> current = StructureCapture.Capture(model, _profileChecks);
        var fatal = new List<(GuardViolation V, JsonObject J)>();
        var warnings = new List<(GuardViolation V, JsonObject J)>();
        void Add(string type, string message, string? module, double? value, JsonObject extra)
        {
            bool isFatal = type is NonFinite or TokenizerMismatch or ShapeMismatch || (policy.StrictMode && type is NormMissing or InvariantViolation);
            extra["type"] = type;
            extra["severity"] = isFatal ? "fatal" : "warning";
            extra["message"] = message;
            if (module is not null)
            {
                extra["module"] = module;
            }
            (isFatal ? fatal : warnings).Add((new GuardViolation(type, message, module, value, null, isFatal), extra));
        }

        // 1. Non-finite values.
        int nonFiniteTensors = 0;
        foreach (ParameterInfo p in model.Parameters.All)
        {
            long bad = 0;
            TensorReads.ForEachChunk(model.Parameters, p.Name, p.ElementCount, (chunk, _) => bad += FiniteCheck.CountNonFinite(chunk));
            if (bad > 0)
            {
                nonFiniteTensors++;
                Add(NonFinite, $"parameter {p.Name} has {bad} non-finite values (NaN or infinity)", "parameter::" + p.Name, bad,
                    new JsonObject { ["count"] = bad });
            }
        }

        // 1b. Per-role shapes against the description (query/key/value heads, head width, MLP width).
        foreach (RoleShapeProblem problem in RoleShapes.Check(model))
        {
            Add(ShapeMismatch, problem.Message, problem.Module, null, []);
        }

        // 2. Norm layers that disappeared.
        var baseNorms = Names(baseline[StructureCapture.LayerNormPaths]);
        var curNorms = new HashSet<string>(Names(current[StructureCapture.LayerNormPaths]), StringComparer.Ordinal);
        var missingNorms = baseNorms.Where(n => !curNorms.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        foreach (string n in missingNorms)
        {
            Add(NormMissing, $"normalisation layer {n} is missing", n, null, []);
        }

        // 3. Embedding vocabulary sizes.
        var mismatches = new JsonArray();
        if (baseline.TryGetValue(StructureCapture.EmbeddingVocabSizes, out JsonNode? baseVocab) && baseVocab is JsonObject bv)
        {
            JsonObject? cv = current.TryGetValue(StructureCapture.EmbeddingVocabSizes, out JsonNode? c) ? c as JsonObject : null;
            foreach (KeyValuePair<string, JsonNode?> kv in bv.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                int baseSize = kv.Value!.GetValue<int>();
                int? curSize = cv is not null && cv.TryGetPropertyValue(kv.Key, out JsonNode? cn) && cn is not null ? cn.GetValue<int>() : null;
                if (curSize != baseSize)
                {
                    var entry = new JsonObject { ["module"] = kv.Key, ["baseline"] = baseSize, ["current"] = curSize };
                    mismatches.Add(entry.DeepClone());
                    Add(TokenizerMismatch, $"embedding {kv.Key} has {(curSize is null ? "disappeared" : $"{curSize} rows")}, baseline {baseSize}",
                        kv.Key, curSize, entry);
                }
            }
        }

        // 4. Every other invariant must be unchanged.
        foreach (KeyValuePair<string, JsonNode?> kv in baseline)
        {
            if (kv.Key is StructureCapture.LayerNormPaths or StructureCapture.EmbeddingVocabSizes or StructureCapture.ConfigVocabSize)
            {
                continue;
            }
            JsonNode? cur = current.TryGetValue(kv.Key, out JsonNode? cn) ? cn : null;
            if (!JsonNode.DeepEquals(kv.Value, cur))
            {
                Add(InvariantViolation, $"invariant {kv.Key} changed: baseline {Render(kv.Value)}, current {Render(cur)}", null, null,
                    new JsonObject { ["check"] = kv.Key, ["baseline"] = kv.Value?.DeepClone(), ["current"] = cur?.DeepClone() });
            }
        }

        bool passed;
        GuardAction action;
        if (fatal.Count > 0)
        {
            passed = false;
            action = policy.OnFail == GuardAction.Warn ? GuardAction.Abort : policy.OnFail;
        }
        else if (warnings.Count > 0)
        {
            passed = policy.OnFail == GuardAction.Warn;
            action = policy.OnFail;
        }
        else
        {
            passed = true;
            action = GuardAction.None;
        }

        var all = fatal.Concat(warnings).ToList();
        var metrics = new Dictionary<string, double>
        {
            ["checks_performed"] = baseline.Count,
            ["violations_found"] = all.Count,
            ["fatal_violations"] = fatal.Count,
            ["warning_violations"] = warnings.Count,
            ["non_finite_found"] = nonFiniteTensors,
            ["layer_norm_missing"] = missingNorms.Count,
            ["tokenizer_mismatches"] = mismatches.Count,
        };
        var details = new JsonObject
        {
            ["prepared"] = true,
            ["strict_mode"] = policy.StrictMode,
            ["on_fail"] = ActionName(policy.OnFail),
            ["baseline_checks"] = ToObject(baseline),
            ["current_checks"] = ToObject(current),
            ["violations"] = new JsonArray([.. all.Select(v => (JsonNode)v.J)]),
            ["layer_norm_missing"] = JsonHelpers.Strings(missingNorms),
            ["tokenizer_mismatches"] = mismatches,
        };
        return new GuardOutcome(passed, action, [.. all.Select(v => v.V)], metrics, details);
    }

    private static List<string> Names(JsonNode? node) =>
        node is JsonArray arr ? [.. arr.Select(n => n!.GetValue<string>())] : [];

    private static string Render(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private static JsonObject ToObject(SortedDictionary<string, JsonNode?> checks)
    {
        var obj = new JsonObject();
        foreach (KeyValuePair<string, JsonNode?> kv in checks)
        {
            obj[kv.Key] = kv.Value?.DeepClone();
        }
        return obj;
    }

    internal static string ActionName(GuardAction action) => action switch
    {
        GuardAction.Warn => "warn",
        GuardAction.Rollback => "rollback",
        GuardAction.Abort => "abort",
        _ => "none",
    };
}
