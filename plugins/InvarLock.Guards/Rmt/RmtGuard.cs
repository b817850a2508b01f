using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Guards.Common;
using InvarLock.Sdk;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Rmt;

/// <summary>The <c>rmt</c> guard (guards.md §4): taps activations of embeddings, norms and attention/MLP projections over
/// evenly spaced calibration windows, scores each as σ̂ of the globally whitened activations over the Marchenko–Pastur
/// edge √m + √n, takes per-family maxima, and fails when a family's edge risk rises above <c>(1 + ε)</c>× its baseline.</summary>
/// <remarks>Decision: any ε-band violation → Abort. When activations are required (policy <c>activation_required</c>,
/// which the guard's ci and release profile defaults set) and none are available on the baseline, preparation is not ready and validation
/// fails closed with Abort (<c>not_prepared</c>, quoting the reason); when not required it passes without evaluating.</remarks>
internal sealed class RmtGuard : GuardBase<RmtOptions>
{
    internal const string EpsilonBand = "epsilon_band";
    internal const string ActivationRequiredCode = "activation_required";

    private RmtOptions _options = RmtOptions.Balanced;
    private bool _required;
    private string? _unavailableReason;
    private SortedDictionary<string, double>? _baseModules;
    private SortedDictionary<string, double>? _baseFamilies;
    private JsonObject? _baseContract;

    /// <inheritdoc />
    public override PluginDescriptor Descriptor => GuardDescriptors.Rmt;

    internal sealed record EdgeRiskResult(SortedDictionary<string, double> Modules, SortedDictionary<string, double> Families,
        double TokenWeightTotal, int WindowsUsed, IReadOnlyList<int> WindowIndices);

    /// <inheritdoc />
    protected override RmtOptions ParsePolicy(PolicyReader policy) => RmtOptions.Read(policy);

    /// <inheritdoc />
    protected override GuardPrepared PrepareCore(GuardContext context, RmtOptions policy)
    {
        _options = policy;
        // The ci and release profile defaults set activation_required (Policy/guard-policy.json); absent means not required.
        _required = _options.ActivationRequired ?? false;
        _baseContract = _options.MeasurementContract();
        _baseModules = null;
        _baseFamilies = null;
        _unavailableReason = null;
        EdgeRiskResult? baseline = Compute(context);
        var details = new JsonObject
        {
            ["activation_required"] = _required,
            ["policy"] = _options.ToJson(),
            ["measurement_contract"] = _baseContract.DeepClone(),
            ["measurement_contract_hash"] = CanonicalJson.ShortHash(_baseContract),
        };
        if (baseline is null)
        {
            _unavailableReason = context.CalibrationWindows.Count == 0 || _options.WindowCount == 0
                ? "activation_batches_unavailable" : "activation_baseline_unavailable";
            details["reason"] = _unavailableReason;
            // Required but unmeasurable: not ready, so validation fails closed (GuardBase) quoting the reason.
            return new GuardPrepared(!_required, details);
        }
        _baseModules = baseline.Modules;
        _baseFamilies = baseline.Families;
        details["edge_risk_by_family"] = JsonHelpers.Numbers(baseline.Families);
        details["edge_risk_by_module"] = JsonHelpers.Numbers(baseline.Modules);
        details["token_weight_total"] = baseline.TokenWeightTotal;
        details["batches_used"] = baseline.WindowsUsed;
        return new GuardPrepared(true, details);
    }

    /// <inheritdoc />
    protected override GuardOutcome ValidateCore(GuardContext context, RmtOptions policy)
    {
        Dictionary<string, double> Metrics(params (string, double)[] extra)
        {
            var d = new Dictionary<string, double>();
            foreach ((string k, double v) in extra)
            {
                d[k] = v;
            }
            return d;
        }
        if (_baseFamilies is null)
        {
            return new GuardOutcome(true, GuardAction.None, [], Metrics(("activation_ready", 0)),
                new JsonObject { ["prepared"] = true, ["evaluated"] = false, ["activation_required"] = false, ["activation_reason"] = _unavailableReason });
        }

        EdgeRiskResult? current = Compute(context);
        if (current is null)
        {
            if (_required)
            {
                return new GuardOutcome(false, GuardAction.Abort,
                    [new GuardViolation(ActivationRequiredCode, "activations are required but the subject's edge risk could not be computed")],
                    Metrics(("activation_required", 1), ("activation_ready", 0)),
                    new JsonObject { ["prepared"] = true, ["evaluated"] = false, ["activation_reason"] = "activation_edge_risk_unavailable" });
            }
            return new GuardOutcome(true, GuardAction.None, [], Metrics(("activation_ready", 0)),
                new JsonObject { ["prepared"] = true, ["evaluated"] = false, ["activation_reason"] = "activation_edge_risk_unavailable" });
        }

        IReadOnlyList<EpsilonViolation> violations = EpsilonBandViolations(_baseFamilies, current.Families, _options);
        bool stable = violations.Count == 0;
        var families = new JsonObject();
        double maxRatio = 0.0;
        double maxDelta = double.NegativeInfinity;
        double sumDelta = 0.0;
        int deltas = 0;
        foreach (string f in _baseFamilies.Keys.Union(current.Families.Keys).OrderBy(x => x, StringComparer.Ordinal))
        {
            double b = _baseFamilies.GetValueOrDefault(f);
            double c = current.Families.GetValueOrDefault(f);
            double eps = _options.EpsilonFor(f);
            double? ratio = b > 0 ? c / b : null;
            double? delta = ratio - 1.0;
            if (ratio is double r)
            {
                maxRatio = Math.Max(maxRatio, r);
                maxDelta = Math.Max(maxDelta, delta!.Value);
                sumDelta += delta!.Value;
                deltas++;
            }
            families[f] = new JsonObject
            {
                ["edge_base"] = b,
                ["edge_cur"] = c,
                ["epsilon"] = eps,
                ["allowed"] = b > 0 ? (1 + eps) * b : null,
                ["ratio"] = JsonHelpers.Number(ratio),
                ["delta"] = JsonHelpers.Number(delta),
            };
        }
        JsonObject contract = _options.MeasurementContract();
        string hash = CanonicalJson.ShortHash(contract);
        string baseHash = CanonicalJson.ShortHash(_baseContract!);
        var details = new JsonObject
        {
            ["prepared"] = true,
            ["evaluated"] = true,
            ["stable"] = stable,
            ["status"] = stable ? "stable" : "unstable",
            ["activation_required"] = _required,
            ["edge_risk_by_family_base"] = JsonHelpers.Numbers(_baseFamilies),
            ["edge_risk_by_family"] = JsonHelpers.Numbers(current.Families),
            ["edge_risk_by_module_base"] = JsonHelpers.Numbers(_baseModules!),
            ["edge_risk_by_module"] = JsonHelpers.Numbers(current.Modules),
            ["epsilon_default"] = _options.EpsilonDefault,
            ["epsilon_by_family"] = JsonHelpers.Numbers(_options.EpsilonByFamily),
            ["epsilon_violations"] = new JsonArray([.. violations.Select(v => (JsonNode)v.ToJson())]),
            ["families"] = families,
            ["max_edge_ratio"] = maxRatio,
            ["max_edge_delta"] = deltas > 0 ? maxDelta : 0.0,
            ["mean_edge_delta"] = deltas > 0 ? sumDelta / deltas : 0.0,
            ["token_weight_total"] = current.TokenWeightTotal,
            ["batches_used"] = current.WindowsUsed,
            ["window_indices"] = new JsonArray([.. current.WindowIndices.Select(i => (JsonNode)i)]),
            ["policy"] = _options.ToJson(),
            ["measurement_contract"] = contract,
            ["measurement_contract_hash"] = hash,
            ["baseline_measurement_contract_hash"] = baseHash,
            ["measurement_contract_match"] = hash == baseHash,
            ["measurement_contract_hash_recipe"] = "first 16 hex of SHA-256 over RFC 8785 canonical JSON",
        };
        var guardViolations = violations.Select(v => new GuardViolation(EpsilonBand,
            $"epsilon-band violation in {v.Family}: edge risk {v.EdgeCur:0.######} > allowed {v.Allowed:0.######} (baseline {v.EdgeBase:0.######}, epsilon {v.Epsilon})",
            v.Family, v.EdgeCur, v.Allowed, true)).ToList();
        var metrics = Metrics(("stable", stable ? 1 : 0), ("epsilon_violations", violations.Count), ("max_edge_ratio", maxRatio),
            ("modules_scored", current.Modules.Count), ("batches_used", current.WindowsUsed));
        foreach (KeyValuePair<string, double> kv in current.Families)
        {
            metrics["edge_risk." + kv.Key] = kv.Value;
        }
        // An ε-band violation is damage the guard measured: rollback (exit 1). Abort stays for "could not measure".
        return new GuardOutcome(stable, stable ? GuardAction.None : GuardAction.Rollback, guardViolations, metrics, details);
    }

    internal sealed record EpsilonViolation(string Family, double EdgeBase, double EdgeCur, double Delta, double Allowed, double Epsilon)
    {
        public JsonObject ToJson() => new()
        {
            ["family"] = Family,
            ["edge_base"] = EdgeBase,
            ["edge_cur"] = EdgeCur,
            ["delta"] = Delta,
            ["allowed"] = Allowed,
            ["epsilon"] = Epsilon,
        };
    }

    /// <summary>The ε-band rule (guards.md §4.6), families sorted: skip base ≤ 0; violation iff cur &gt; (1 + ε_f)·base.</summary>
    internal static IReadOnlyList<EpsilonViolation> EpsilonBandViolations(IReadOnlyDictionary<string, double> baseline,
        IReadOnlyDictionary<string, double> current, RmtOptions options)
    {
        var result = new List<EpsilonViolation>();
        foreach (string f in baseline.Keys.Union(current.Keys).OrderBy(x => x, StringComparer.Ordinal))
        {
            double b = baseline.GetValueOrDefault(f);
            double c = current.GetValueOrDefault(f);
            if (!(b > 0))
            {
                continue;
            }
            double eps = options.EpsilonFor(f);
            double allowed = (1 + eps) * b;
            if (c > allowed)
            {
                result.Add(new EpsilonViolation(f, b, c, (c / b) - 1, allowed, eps));
            }
        }
        return result;
    }

    /// <summary>Runs the model on the sampled calibration windows with an edge-risk tap; null when nothing could be scored.</summary>
    private EdgeRiskResult? Compute(GuardContext context)
    {
        IReadOnlyList<int> indices = ActivationEdgeRisk.SampleIndices(context.CalibrationWindows.Count, _options.WindowCount, _options.IndicesPolicy);
        if (indices.Count == 0)
        {
            return null;
        }
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var familyOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ModuleInfo m in context.Model.Modules)
        {
            if (ActivationEdgeRisk.IsTapped(m))
            {
                names.Add(m.Name);
                familyOf[m.Name] = ActivationEdgeRisk.Family(m);
            }
        }
        if (names.Count == 0)
        {
            return null;
        }
        var windows = indices.Select(i => context.CalibrationWindows[i]).ToList();
        var tap = new EdgeRiskTap(names, _options.EstimatorIters, _options.EstimatorInit);
        MetricPasses.Observe(context, windows, tap);
        SortedDictionary<string, double> modules = tap.ModuleScores();
        if (modules.Count == 0)
        {
            return null;
        }
        var families = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (string f in RmtOptions.CoreFamilies)
        {
            families[f] = 0.0;
        }
        foreach (KeyValuePair<string, double> kv in modules)
        {
            string f = familyOf[kv.Key];
            families[f] = Math.Max(families.GetValueOrDefault(f), kv.Value);
        }
        return new EdgeRiskResult(modules, families, tap.TokenWeightTotal, tap.WindowsUsed, indices);
    }
}
