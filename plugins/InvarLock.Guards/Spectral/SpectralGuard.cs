using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Compute;
using InvarLock.Guards.Common;
using InvarLock.Guards.Numerics;
using InvarLock.Numerics;
using InvarLock.Sdk;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Spectral;

/// <summary>The <c>spectral</c> guard (guards.md §3): fixed-budget power iteration per 2-D weight, per-family baseline
/// statistics, cross-sectional z-scores against per-family κ caps with family-level BH/Bonferroni selection, and
/// scale-invariant degeneracy checks (stable-rank drop, row/column norm collapse).</summary>
/// <remarks>Decision: fatal findings (a σ above <c>max_spectral_norm</c>, a fatal degeneracy ratio) or more selected
/// budgeted findings than <c>max_caps</c> → Abort; any selected budgeted finding → Warn; otherwise None.</remarks>
internal sealed class SpectralGuard : GuardBase<SpectralOptions>
{
    internal const string FamilyZCap = "family_z_cap";
    internal const string MaxSpectralNormCode = "max_spectral_norm";
    internal const string StableRankDrop = "degeneracy_stable_rank_drop";
    internal const string NormCollapse = "degeneracy_norm_collapse";

    private SpectralOptions _options = SpectralOptions.Balanced;
    private Baseline? _baseline;

    /// <inheritdoc />
    public override PluginDescriptor Descriptor => GuardDescriptors.Spectral;

    internal sealed record MatrixMeasure(string Module, string Family, double Sigma, double StableRank, double NormCollapse);

    private sealed record Baseline(
        IReadOnlyDictionary<string, MatrixMeasure> Modules,
        IReadOnlyDictionary<string, FamilyStats> FamilyStats,
        double TargetSigma,
        JsonObject MeasurementContract);

    /// <inheritdoc />
    protected override SpectralOptions ParsePolicy(PolicyReader policy) => SpectralOptions.Read(policy);

    /// <inheritdoc />
    protected override GuardPrepared PrepareCore(GuardContext context, SpectralOptions policy)
    {
        _options = policy;
        List<MatrixMeasure> measures = Measure(context.Model, _options, context.CancellationToken);
        var byModule = new SortedDictionary<string, MatrixMeasure>(StringComparer.Ordinal);
        var sigmasByFamily = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        var all = new List<double>();
        foreach (MatrixMeasure m in measures)
        {
            byModule[m.Module] = m;
            if (!sigmasByFamily.TryGetValue(m.Family, out List<double>? list))
            {
                sigmasByFamily[m.Family] = list = [];
            }
            list.Add(m.Sigma);
            all.Add(m.Sigma);
        }
        var stats = new SortedDictionary<string, FamilyStats>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, List<double>> kv in sigmasByFamily)
        {
            stats[kv.Key] = FamilyStats.Of(kv.Value);
        }
        double target = all.Count > 0 ? Quantiles.Linear(all, _options.SigmaQuantile) : _options.SigmaQuantile;
        JsonObject contract = _options.MeasurementContract();
        _baseline = new Baseline(byModule, stats, target, contract);

        var moduleSigmas = JsonHelpers.Numbers(measures.Select(m => new KeyValuePair<string, double>(m.Module, m.Sigma)));
        return new GuardPrepared(true, new JsonObject
        {
            ["modules"] = measures.Count,
            ["target_sigma"] = JsonHelpers.Number(target),
            ["max_spectral_norm"] = all.Count > 0 ? all.Max() : 0.0,
            ["mean_spectral_norm"] = all.Count > 0 ? all.Average() : 0.0,
            ["min_spectral_norm"] = all.Count > 0 ? all.Min() : 0.0,
            ["family_stats"] = FamilyStatsJson(stats),
            ["module_sigmas"] = moduleSigmas,
            ["measurement_contract"] = contract.DeepClone(),
            ["measurement_contract_hash"] = CanonicalJson.ShortHash(contract),
            ["policy"] = _options.ToJson(),
        });
    }

    /// <inheritdoc />
    protected override GuardOutcome ValidateCore(GuardContext context, SpectralOptions policy)
    {
        SpectralOptions o = policy;
        Baseline b = _baseline!;
        List<MatrixMeasure> current = Measure(context.Model, o, context.CancellationToken);

        var zScores = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var familyOf = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fatal = new List<Finding>();
        var budgeted = new List<Finding>();
        foreach (MatrixMeasure cur in current)
        {
            b.Modules.TryGetValue(cur.Module, out MatrixMeasure? baseM);
            string family = baseM?.Family ?? cur.Family;
            familyOf[cur.Module] = family;
            double sigmaBase = baseM?.Sigma ?? b.TargetSigma;
            b.FamilyStats.TryGetValue(family, out FamilyStats? stats);
            double z = SpectralMath.ZScore(cur.Sigma, stats, sigmaBase, o.Deadband);
            zScores[cur.Module] = z;
            double kappa = o.KappaFor(family);
            if (Math.Abs(z) > kappa)
            {
                budgeted.Add(new Finding(FamilyZCap, cur.Module, family, z, cur.Sigma, sigmaBase, kappa, false,
                    $"{cur.Module} ({family}): |z| = {Math.Abs(z):0.###} exceeds kappa {kappa:0.###}"));
            }
            if (o.MaxSpectralNorm is double limit && cur.Sigma > limit)
            {
                fatal.Add(new Finding(MaxSpectralNormCode, cur.Module, family, cur.Sigma, cur.Sigma, sigmaBase, limit, true,
                    $"{cur.Module}: spectral norm {cur.Sigma:0.####} exceeds max_spectral_norm {limit:0.####}"));
            }
            if (o.Degeneracy.Enabled && baseM is not null && double.IsFinite(baseM.Sigma) && baseM.Sigma > 0)
            {
                double srRatio = cur.StableRank / Math.Max(baseM.StableRank, PowerIteration.Epsilon);
                if (double.IsFinite(srRatio) && srRatio < o.Degeneracy.StableRankWarn)
                {
                    bool isFatal = srRatio < o.Degeneracy.StableRankFatal;
                    var f = new Finding(StableRankDrop, cur.Module, family, double.NaN, srRatio, baseM.StableRank,
                        isFatal ? o.Degeneracy.StableRankFatal : o.Degeneracy.StableRankWarn, isFatal,
                        $"{cur.Module}: stable rank fell to {srRatio:0.###} of baseline ({cur.StableRank:0.###} vs {baseM.StableRank:0.###})");
                    (isFatal ? fatal : budgeted).Add(f);
                }
                double ncRatio = cur.NormCollapse / Math.Max(baseM.NormCollapse, PowerIteration.Epsilon);
                if (double.IsFinite(ncRatio) && ncRatio < o.Degeneracy.NormCollapseWarn)
                {
                    bool isFatal = ncRatio < o.Degeneracy.NormCollapseFatal;
                    var f = new Finding(NormCollapse, cur.Module, family, double.NaN, ncRatio, baseM.NormCollapse,
                        isFatal ? o.Degeneracy.NormCollapseFatal : o.Degeneracy.NormCollapseWarn, isFatal,
                        $"{cur.Module}: row/column norm ratio fell to {ncRatio:0.###} of baseline");
                    (isFatal ? fatal : budgeted).Add(f);
                }
            }
        }

        budgeted.Sort((x, y) => string.CompareOrdinal(x.Module, y.Module) is int c && c != 0 ? c : string.CompareOrdinal(x.Type, y.Type));
        fatal.Sort((x, y) => string.CompareOrdinal(x.Module, y.Module) is int c && c != 0 ? c : string.CompareOrdinal(x.Type, y.Type));
        FamilySelection selection = SpectralMath.SelectFamilies(
            [.. budgeted.Select(f => new BudgetedCandidate(f.Module, f.Family, f.Type == FamilyZCap ? f.Z : double.NaN))],
            o.MultipleTesting.Method, o.MultipleTesting.Alpha, o.MultipleTesting.M);
        var selected = new List<Finding>();
        for (int i = 0; i < budgeted.Count; i++)
        {
            if (selection.Selected[i])
            {
                selected.Add(budgeted[i]);
            }
        }
        int capsApplied = selected.Count;
        bool capsExceeded = capsApplied > o.MaxCaps;
        bool passed = fatal.Count == 0 && !capsExceeded;
        // The reference labels this "abort"; its CLI treats it as a failed gate. We ask for rollback (exit 1) and keep abort
        // (exit 3) for runs that cannot be trusted at all (non-finite weights, a guard that could not run).
        GuardAction action = fatal.Count > 0 || capsExceeded ? GuardAction.Rollback : capsApplied > 0 ? GuardAction.Warn : GuardAction.None;

        var violations = new List<GuardViolation>();
        foreach (Finding f in fatal.Concat(selected))
        {
            violations.Add(new GuardViolation(f.Type, f.Message, f.Module, double.IsFinite(f.Value) ? f.Value : null, f.Threshold, f.Fatal));
        }

        double maxSigma = current.Count > 0 ? current.Max(m => m.Sigma) : 0.0;
        double meanSigma = current.Count > 0 ? current.Average(m => m.Sigma) : 0.0;
        int allViolations = fatal.Count + budgeted.Count;
        var metrics = new Dictionary<string, double>
        {
            ["modules_checked"] = current.Count,
            ["violations_found"] = violations.Count,
            ["budgeted_violations"] = capsApplied,
            ["candidate_budgeted_violations"] = budgeted.Count,
            ["fatal_violations"] = fatal.Count,
            ["caps_applied"] = capsApplied,
            ["caps_exceeded"] = capsExceeded ? 1 : 0,
            ["max_caps"] = o.MaxCaps,
            ["max_spectral_norm"] = maxSigma,
            ["mean_spectral_norm"] = meanSigma,
            ["stability_score"] = 1.0 - Math.Min((double)allViolations / Math.Max(current.Count, 1), 1.0),
            ["sigma_quantile"] = o.SigmaQuantile,
            ["deadband"] = o.Deadband,
        };

        JsonObject contract = o.MeasurementContract();
        string hash = CanonicalJson.ShortHash(contract);
        string baselineHash = CanonicalJson.ShortHash(b.MeasurementContract);
        var capsByFamily = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (Finding f in selected)
        {
            capsByFamily[f.Family] = capsByFamily.GetValueOrDefault(f.Family) + 1;
        }
        var details = new JsonObject
        {
            ["prepared"] = true,
            ["evaluated"] = true,
            ["scope"] = o.Scope,
            ["modules_checked"] = current.Count,
            ["caps_applied"] = capsApplied,
            ["caps_exceeded"] = capsExceeded,
            ["max_caps"] = o.MaxCaps,
            ["sigma_quantile"] = o.SigmaQuantile,
            ["deadband"] = o.Deadband,
            ["target_sigma"] = JsonHelpers.Number(b.TargetSigma),
            ["max_spectral_norm"] = maxSigma,
            ["mean_spectral_norm"] = meanSigma,
            ["baseline_max_spectral_norm"] = b.Modules.Count > 0 ? b.Modules.Values.Max(m => m.Sigma) : 0.0,
            ["baseline_mean_spectral_norm"] = b.Modules.Count > 0 ? b.Modules.Values.Average(m => m.Sigma) : 0.0,
            ["family_caps"] = o.ToJson()["family_caps"]!.DeepClone(),
            ["multiple_testing"] = o.ToJson()["multiple_testing"]!.DeepClone(),
            ["multiple_testing_selection"] = SelectionJson(selection),
            ["caps_applied_by_family"] = JsonHelpers.Numbers(capsByFamily),
            ["family_z_summary"] = FamilyZSummary(zScores, familyOf, o),
            ["family_z_quantiles"] = FamilyZQuantiles(zScores, familyOf),
            ["top_z_scores"] = TopZScores(zScores, familyOf, 3),
            ["family_stats"] = FamilyStatsJson(b.FamilyStats),
            ["violations"] = new JsonArray([.. fatal.Concat(budgeted).Select(f => (JsonNode)f.ToJson(
                f.Fatal ? null : selection.Selected[budgeted.IndexOf(f)],
                f.Type == FamilyZCap ? NormalDistribution.TwoSidedPValue(f.Z) : null))]),
            ["final_z_scores"] = JsonHelpers.Numbers(zScores),
            ["module_family_map"] = FamilyMap(familyOf),
            ["policy"] = o.ToJson(),
            ["measurement_contract"] = contract,
            ["measurement_contract_hash"] = hash,
            ["baseline_measurement_contract_hash"] = baselineHash,
            ["measurement_contract_match"] = hash == baselineHash,
            ["measurement_contract_hash_recipe"] = "first 16 hex of SHA-256 over RFC 8785 canonical JSON",
        };
        return new GuardOutcome(passed, action, violations, metrics, details);
    }

    /// <summary>Measures every in-scope module (<see cref="SpectralFamilies.InScope"/>, by role) whose weight is 2-D (tied
    /// weights are measured once). Weights are streamed in row blocks through <see cref="IParameterStore.Read"/>: a
    /// half-precision checkpoint is never widened in place and no tensor needs a whole float32 copy.</summary>
    internal static List<MatrixMeasure> Measure(IModel model, SpectralOptions o, CancellationToken cancellationToken)
    {
        var cache = new Dictionary<string, (double Sigma, double StableRank, double Collapse)>(StringComparer.Ordinal);
        var result = new List<MatrixMeasure>();
        var modules = new List<ModuleInfo>(model.Modules);
        modules.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        IParameterStore store = model.Parameters;
        foreach (ModuleInfo m in modules)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!store.TryGet(m.WeightName, out ParameterInfo info) || info.Shape.Count != 2 || !SpectralFamilies.InScope(m, o.Scope))
            {
                continue;
            }
            if (!cache.TryGetValue(m.WeightName, out var measured))
            {
                string name = m.WeightName;
                int rows = info.Shape[0];
                int cols = info.Shape[1];
                double sigma = PowerIteration.TopSingularValue(
                    (first, count, destination) => store.Read(name, (long)first * cols, destination), rows, cols, o.EstimatorIters, o.EstimatorInit);
                double stableRank = 0.0;
                double collapse = 0.0;
                if (o.Degeneracy.Enabled && rows > 0 && cols > 0)
                {
                    var norms = new MatrixNormAccumulator(rows, cols);
                    TensorReads.ForEachChunk(store, name, info.ElementCount, norms.Add);
                    stableRank = MatrixStatistics.StableRank(norms.FrobeniusSquared, sigma);
                    collapse = norms.Extrema().CollapseRatio;
                }
                measured = (sigma, stableRank, collapse);
                cache[m.WeightName] = measured;
            }
            result.Add(new MatrixMeasure(m.Name, SpectralFamilies.Classify(m), measured.Sigma, measured.StableRank, measured.Collapse));
        }
        return result;
    }

    private sealed record Finding(string Type, string Module, string Family, double Z, double Value, double Baseline, double Threshold, bool Fatal, string Message)
    {
        public JsonObject ToJson(bool? selected, double? pValue)
        {
            var o = new JsonObject
            {
                ["type"] = Type,
                ["severity"] = Fatal ? "fatal" : "budgeted",
                ["module"] = Module,
                ["family"] = Family,
                ["message"] = Message,
            };
            if (Type == FamilyZCap)
            {
                o["z_score"] = JsonHelpers.Number(Z);
                o["kappa"] = Threshold;
                o["sigma"] = JsonHelpers.Number(Value);
                o["baseline_sigma"] = JsonHelpers.Number(Baseline);
            }
            else if (Type == MaxSpectralNormCode)
            {
                o["current_sigma"] = JsonHelpers.Number(Value);
                o["threshold"] = Threshold;
            }
            else
            {
                o["ratio"] = JsonHelpers.Number(Value);
                o["baseline"] = JsonHelpers.Number(Baseline);
                o["threshold"] = Threshold;
            }
            if (selected is bool s)
            {
                o["selected"] = s;
                o["p_value"] = JsonHelpers.Number(pValue);
            }
            return o;
        }
    }

    private static JsonObject SelectionJson(FamilySelection s) => new()
    {
        ["method"] = s.Method,
        ["alpha"] = s.Alpha,
        ["m"] = s.M,
        ["families_tested"] = JsonHelpers.Strings(s.FamiliesTested),
        ["families_selected"] = JsonHelpers.Strings(s.FamiliesSelected),
        ["family_pvalues"] = JsonHelpers.Numbers(s.FamilyPValues),
        ["family_max_abs_z"] = JsonHelpers.Numbers(s.FamilyMaxAbsZ),
        ["family_violation_counts"] = JsonHelpers.Numbers(s.FamilyCandidateCounts.Select(kv => new KeyValuePair<string, double>(kv.Key, kv.Value))),
        ["default_selected_without_pvalue"] = s.DefaultSelectedWithoutPValue,
    };

    private static JsonObject FamilyStatsJson(IReadOnlyDictionary<string, FamilyStats> stats)
    {
        var obj = new JsonObject();
        foreach (KeyValuePair<string, FamilyStats> kv in stats.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            obj[kv.Key] = new JsonObject
            {
                ["count"] = kv.Value.Count,
                ["max"] = JsonHelpers.Number(kv.Value.Max),
                ["mean"] = JsonHelpers.Number(kv.Value.Mean),
                ["min"] = JsonHelpers.Number(kv.Value.Min),
                ["std"] = JsonHelpers.Number(kv.Value.Std),
            };
        }
        return obj;
    }

    private static SortedDictionary<string, List<(string Module, double Z)>> ByFamily(
        IReadOnlyDictionary<string, double> z, IReadOnlyDictionary<string, string> familyOf)
    {
        var groups = new SortedDictionary<string, List<(string, double)>>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, double> kv in z)
        {
            string f = familyOf.TryGetValue(kv.Key, out string? fam) ? fam : SpectralFamilies.Other;
            if (!groups.TryGetValue(f, out var list))
            {
                groups[f] = list = [];
            }
            list.Add((kv.Key, kv.Value));
        }
        return groups;
    }

    /// <summary>Per family: max and mean of signed z, count, κ, and the number with |z| &gt; κ (the reference counted signed z; fixed).</summary>
    private static JsonObject FamilyZSummary(IReadOnlyDictionary<string, double> z, IReadOnlyDictionary<string, string> familyOf, SpectralOptions o)
    {
        var obj = new JsonObject();
        foreach (var kv in ByFamily(z, familyOf))
        {
            double kappa = o.KappaFor(kv.Key);
            obj[kv.Key] = new JsonObject
            {
                ["count"] = kv.Value.Count,
                ["kappa"] = kappa,
                ["max"] = JsonHelpers.Number(kv.Value.Max(x => x.Z)),
                ["mean"] = JsonHelpers.Number(kv.Value.Average(x => x.Z)),
                ["violations"] = kv.Value.Count(x => Math.Abs(x.Z) > kappa),
            };
        }
        return obj;
    }

    private static JsonObject FamilyZQuantiles(IReadOnlyDictionary<string, double> z, IReadOnlyDictionary<string, string> familyOf)
    {
        var obj = new JsonObject();
        foreach (var kv in ByFamily(z, familyOf))
        {
            double[] abs = [.. kv.Value.Select(x => Math.Abs(x.Z)).Where(double.IsFinite).OrderBy(x => x)];
            if (abs.Length == 0)
            {
                continue;
            }
            obj[kv.Key] = new JsonObject
            {
                ["count"] = abs.Length,
                ["max"] = abs[^1],
                ["q95"] = Quantiles.LinearSorted(abs, 0.95),
                ["q99"] = Quantiles.LinearSorted(abs, 0.99),
            };
        }
        return obj;
    }

    private static JsonObject TopZScores(IReadOnlyDictionary<string, double> z, IReadOnlyDictionary<string, string> familyOf, int top)
    {
        var obj = new JsonObject();
        foreach (var kv in ByFamily(z, familyOf))
        {
            var arr = new JsonArray();
            foreach ((string module, double zz) in kv.Value
                .Where(x => double.IsFinite(x.Z))
                .OrderByDescending(x => Math.Abs(x.Z)).ThenBy(x => x.Module, StringComparer.Ordinal).Take(top))
            {
                arr.Add(new JsonObject { ["family"] = kv.Key, ["module"] = module, ["z"] = Math.Abs(zz) });
            }
            obj[kv.Key] = arr;
        }
        return obj;
    }

    private static JsonObject FamilyMap(IReadOnlyDictionary<string, string> familyOf)
    {
        var obj = new JsonObject();
        foreach (KeyValuePair<string, string> kv in familyOf)
        {
            obj[kv.Key] = kv.Value;
        }
        return obj;
    }
}
