using System.Text.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using InvarLock.Guards.Common;
using InvarLock.Numerics;
using InvarLock.Sdk;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Variance;

/// <summary>The <c>variance</c> guard (guards.md §5): variance equalisation (VE) of residual-branch output projections.</summary>
/// <remarks>
/// On the baseline it resolves targets (GPT-2, LLaMA-family, BERT and OPT names; tier tap patterns match the real name or
/// its GPT-2-form alias) and records the scales it would propose. On the subject it proposes scales from the mean squares
/// of the targets' outputs, runs a paired A/B pass over the calibration windows (without / with the scales), computes the
/// ratio CI and the ΔlogNLL BCa CI with the predictive gate, and applies the A/B decision. <b>When VE is enabled the subject
/// is left scaled</b> (Details: <c>ve_enabled</c>, <c>subject_scaled</c>, <c>applied_scales</c>); otherwise its weights are
/// restored bit-for-bit. Decision: passes unless a consistency check fails; Abort on failure (Warn in monitor-only mode).
/// No target modules makes preparation not ready, and validation then aborts, in monitor-only mode too (<see cref="GuardBase{TPolicy}"/>).
/// </remarks>
internal sealed class VarianceGuard : GuardBase<VarianceOptions>
{
    private const int BootstrapReplicates = 500;

    private VarianceOptions _options = VarianceOptions.Balanced;
    private TargetResolution? _targets;
    private bool _monitorOnly;
    private bool _observeOnly;
    private JsonObject? _preEdit;

    /// <inheritdoc />
    public override PluginDescriptor Descriptor => GuardDescriptors.Variance;

    /// <summary>True after a validation that enabled VE (the subject's weights were scaled and left so).</summary>
    public bool Enabled { get; private set; }

    /// <summary>The scales applied to the subject when <see cref="Enabled"/>, by module name.</summary>
    public IReadOnlyDictionary<string, double> AppliedScales { get; private set; } = new Dictionary<string, double>();

    /// <inheritdoc />
    protected override VarianceOptions ParsePolicy(PolicyReader policy) => VarianceOptions.Read(policy);

    /// <inheritdoc />
    protected override GuardPrepared PrepareCore(GuardContext context, VarianceOptions policy)
    {
        _options = policy;
        // Monitor-only when the policy says so (the noop edit declares it through its policy adjustments).
        _monitorOnly = _options.MonitorOnly ?? false;
        // A subject the user brought is graded as it is on disk: propose and A/B-test scales, never leave them applied.
        _observeOnly = context.Run.ObserveOnly;
        _targets = VarianceTargets.Resolve(context.Model, _options);
        var details = new JsonObject
        {
            ["policy"] = _options.ToJson(),
            ["monitor_only"] = _monitorOnly,
            ["target_resolution"] = _targets.Record.DeepClone(),
            ["target_modules"] = _targets.Targets.Count,
        };
        if (_targets.Targets.Count == 0)
        {
            details["warning"] = "No target modules found for variance equalization";
            return new GuardPrepared(false, details);
        }
        if (!_monitorOnly && context.CalibrationWindows.Count > 0)
        {
            Proposal pre = Propose(context, Math.Min(_options.ScaleWindows, context.CalibrationWindows.Count));
            _preEdit = new JsonObject
            {
                ["raw_scales"] = JsonHelpers.Numbers(pre.Raw),
                ["proposed_scales"] = JsonHelpers.Numbers(pre.Filtered),
            };
            details["raw_scales_pre_edit"] = pre.Raw.Count;
            details["proposed_scales_pre_edit"] = JsonHelpers.Numbers(pre.Filtered);
            details["scale_statistics"] = ScaleStatistics(pre.Filtered);
        }
        return new GuardPrepared(true, details);
    }

    /// <inheritdoc />
    protected override GuardOutcome ValidateCore(GuardContext context, VarianceOptions policy)
    {
        VarianceOptions o = policy;
        TargetResolution targets = _targets!;

        IModel model = context.Model;
        int calWindows = Math.Min(o.CalibrationWindows, context.CalibrationWindows.Count);
        int scaleWindows = _monitorOnly ? 0 : Math.Min(o.ScaleWindows, context.CalibrationWindows.Count);
        int passWindows = Math.Max(calWindows, scaleWindows);
        var warnings = new List<string>();
        var errors = new List<string>();

        // Pass A (and the scale proposal, which observes the same forward passes).
        Proposal proposal = passWindows > 0 ? Propose(context, passWindows, scaleWindows) : Proposal.Empty;
        SortedDictionary<string, double> scales = _monitorOnly ? new(StringComparer.Ordinal) : proposal.Filtered;
        WindowStats a = WindowStats.From(proposal.Losses, calWindows);

        Calibration calibration = Calibrate(context, o, model, calWindows, scales, a, ApplyScales);
        AbResults ab = calibration.Ab;
        PredictiveState predictive = calibration.Predictive;
        string status = calibration.Status;
        int coverage = calibration.Coverage;
        WindowStats? b = calibration.B;
        (bool enable, string gateReason, PredictiveState finalPredictive) = VarianceGates.AbGate(ab, predictive, o);
        bool wouldEnable = enable && !_monitorOnly;
        if (_monitorOnly || _observeOnly)
        {
            enable = false;
        }
        Enabled = false;
        AppliedScales = new Dictionary<string, double>();
        if (enable)
        {
            using (ScaledWeights applied = ApplyScales(model, scales))
            {
                applied.Commit();
            }
            Enabled = true;
            AppliedScales = new SortedDictionary<string, double>(scales, StringComparer.Ordinal);
            double improvement = (ab.PplNoVe ?? 0) - (ab.PplWithVe ?? 0);
            if (improvement < o.AbsoluteFloorPpl)
            {
                errors.Add($"VE enabled with improvement {improvement:0.000} below the absolute floor {o.AbsoluteFloorPpl}");
            }
        }
        if (status is "insufficient" or "no_calibration")
        {
            warnings.Add("Variance calibration coverage insufficient; operating in monitor mode");
        }

        bool passed = errors.Count == 0;
        GuardAction action = passed ? (warnings.Count > 0 ? GuardAction.Warn : GuardAction.None) : (_monitorOnly ? GuardAction.Warn : GuardAction.Abort);
        var violations = errors.Select(e => new GuardViolation("variance_consistency", e, null, null, null, true))
            .Concat(warnings.Select(w => new GuardViolation("variance_calibration", w, null, coverage, o.MinCoverage, false)))
            .ToList();

        var evidence = new VarianceEvidence
        {
            Options = o,
            Targets = targets,
            CalibrationWindows = calWindows,
            Scales = scales,
            RawScales = proposal.Raw,
            BackstopUsed = proposal.BackstopUsed,
            ConditionA = a,
            ConditionB = b,
            Ab = ab,
            Status = status,
            Coverage = coverage,
            Predictive = finalPredictive,
            GateReason = gateReason,
            MetThreshold = enable,
            WouldEnable = wouldEnable,
            Enabled = Enabled,
            AppliedScales = AppliedScales,
            MonitorOnly = _monitorOnly,
            ObserveOnly = _observeOnly,
            PreEdit = _preEdit,
            TargetFingerprint = TargetFingerprint(model, targets.Targets),
            Warnings = warnings,
            Errors = errors,
        };
        return new GuardOutcome(passed, action, violations, evidence.Metrics(), evidence.Details());
    }

    /// <summary>The A/B calibration: condition A (no scales, already measured) against condition B (the proposed scales
    /// applied, then restored exactly) on the calibration windows, with the ratio CI, the paired ΔlogNLL BCa CI and the
    /// predictive gate's inputs.</summary>
    private static Calibration Calibrate(GuardContext context, VarianceOptions o, IModel model, int calWindows,
        SortedDictionary<string, double> scales, WindowStats a, Func<IModel, IReadOnlyDictionary<string, double>, ScaledWeights> applyScales)
    {
        var predictive = PredictiveState.Initial(o.PredictiveGate);
        AbResults ab = new(null, null, null);
        string status;
        int coverage = a.Count;
        WindowStats? b = null;
        if (calWindows == 0)
        {
            status = o.CalibrationWindows == 0 ? "skipped" : "no_calibration";
        }
        else if (coverage < o.MinCoverage)
        {
            status = "insufficient";
            predictive = predictive with { Reason = "insufficient_coverage" };
        }
        else if (scales.Count == 0)
        {
            double mean = a.Ppl.Average();
            ab = new AbResults(mean, mean, (1.0, 1.0));
            status = "no_scaling_required";
            predictive = new PredictiveState(true, false, "no_scales");
        }
        else
        {
            // Pass B: the same windows with the proposed scales applied, then an exact restore.
            IReadOnlyList<WindowLoss> lossesB;
            using (applyScales(model, scales))
            {
                lossesB = MetricPasses.Losses(context, Take(context.CalibrationWindows, calWindows));
            }
            b = WindowStats.From(lossesB, calWindows);
            var paired = WindowStats.Pair(a, b);
            coverage = paired.Count;
            if (coverage >= o.MinCoverage && coverage > 0)
            {
                double pplNo = paired.Average(p => p.A.Ppl);
                double pplWith = paired.Average(p => p.B.Ppl);
                var ratios = paired.Where(p => p.A.Ppl > 0).Select(p => p.B.Ppl / p.A.Ppl).ToList();
                var ratioCi = RatioInterval(ratios, o.Alpha, o.CalibrationSeed);
                ab = new AbResults(pplNo, pplWith, ratioCi);
                status = ratios.Count > 0 ? "complete" : "insufficient";
                var deltaCi = PairedDeltaInterval(
                    [.. paired.Select(p => p.B.Loss)], [.. paired.Select(p => p.A.Loss)], [.. paired.Select(p => (double)p.A.Tokens)],
                    o.Alpha, o.CalibrationSeed + 211L);
                double wSum = paired.Sum(p => (double)p.A.Tokens);
                double meanDelta = wSum > 0
                    ? paired.Sum(p => p.A.Tokens * (p.B.Loss - p.A.Loss)) / wSum
                    : paired.Average(p => p.B.Loss - p.A.Loss);
                if (deltaCi is (double lo, double hi) && double.IsFinite(lo) && double.IsFinite(hi))
                {
                    (bool pass, string reason) = o.PredictiveGate
                        ? VarianceGates.Predictive(meanDelta, deltaCi, o.MinEffectLogNll ?? 0.0, o.PredictiveOneSided)
                        : (true, "disabled");
                    predictive = new PredictiveState(true, pass, reason, deltaCi, meanDelta);
                }
                else
                {
                    predictive = predictive with { MeanDelta = meanDelta };
                }
            }
            else
            {
                status = "insufficient";
                predictive = predictive with { Reason = "insufficient_coverage" };
            }
        }

        return new Calibration(ab, predictive, status, coverage, b);
    }

    private sealed record Calibration(AbResults Ab, PredictiveState Predictive, string Status, int Coverage, WindowStats? B);

    private sealed record Proposal(SortedDictionary<string, double> Raw, SortedDictionary<string, double> Filtered, bool BackstopUsed,
        IReadOnlyList<WindowLoss> Losses)
    {
        public static Proposal Empty { get; } = new(new(StringComparer.Ordinal), new(StringComparer.Ordinal), false, []);
    }

    /// <summary>Evaluates the first <paramref name="windows"/> calibration windows with a mean-square tap on the targets
    /// (samples from the first <paramref name="scaleWindows"/> only) and proposes filtered scales.</summary>
    private Proposal Propose(GuardContext context, int windows, int? scaleWindows = null)
    {
        VarianceOptions o = _options;
        int sw = scaleWindows ?? windows;
        var tap = new MeanSquareTap(_targets!.Targets.Select(t => t.Name), sw);
        IReadOnlyList<WindowLoss> losses = MetricPasses.Losses(context, Take(context.CalibrationWindows, windows), tap);
        SortedDictionary<string, double> raw = ScaleProposal.RawScales(tap.Samples, o.Deadband, o.ClampLo, o.ClampHi);
        if (raw.Count == 0 && o.Deadband > 0)
        {
            raw = ScaleProposal.RawScales(tap.Samples, Math.Max(o.Deadband * 0.5, 1e-4), o.ClampLo, o.ClampHi);
        }
        (SortedDictionary<string, double> filtered, bool backstop) =
            ScaleProposal.Filter(raw, o.MinAbsAdjust, o.MaxScaleStep, o.TopkBackstop, o.MaxAdjustedModules, o.Deadband);
        return new Proposal(raw, filtered, backstop, losses);
    }

    /// <summary>Percentile bootstrap interval of the mean A/B perplexity ratio (the shared <see cref="Bootstrap"/>, PCG64
    /// stream); null when there is no ratio or one is not finite.</summary>
    private static (double Lo, double Hi)? RatioInterval(List<double> ratios, double alpha, long seed)
    {
        ReadOnlySpan<double> values = CollectionsMarshal.AsSpan(ratios);
        if (values.IsEmpty || !FiniteCheck.AllFinite(values))
        {
            return null;
        }
        BootstrapInterval ci = Bootstrap.MeanInterval(values, new BootstrapSettings(BootstrapMethod.Percentile, BootstrapReplicates, alpha, seed));
        return (ci.Lower, ci.Upper);
    }

    /// <summary>Token-weighted BCa interval of ΔlogNLL = with − without (the shared <see cref="Bootstrap"/>); null when
    /// there is no pair or a loss is not finite.</summary>
    private static (double Lo, double Hi)? PairedDeltaInterval(double[] with, double[] without, double[] tokens, double alpha, long seed)
    {
        if (with.Length == 0 || without.Length == 0 || !FiniteCheck.AllFinite(with) || !FiniteCheck.AllFinite(without))
        {
            return null;
        }
        BootstrapInterval ci = Bootstrap.PairedDeltaInterval(with, without, tokens,
            new BootstrapSettings(BootstrapMethod.Bca, BootstrapReplicates, alpha, seed));
        return (ci.Lower, ci.Upper);
    }

    private static List<ReadOnlyMemory<int>> Take(IReadOnlyList<ReadOnlyMemory<int>> windows, int count)
    {
        var list = new List<ReadOnlyMemory<int>>(count);
        for (int i = 0; i < count && i < windows.Count; i++)
        {
            list.Add(windows[i]);
        }
        return list;
    }

    /// <summary>Multiplies each target's weight by its scale, one tensor at a time through Read/Write (a half-precision
    /// model stays half, the scaled values rounded to its format); the model's snapshot (copy-on-write where the model
    /// supports it) undoes it exactly.</summary>
    private ScaledWeights ApplyScales(IModel model, IReadOnlyDictionary<string, double> scales)
    {
        IModelSnapshot before = model.Snapshot();
        float[] buffer = [];
        foreach (VarianceTarget t in _targets!.Targets)
        {
            if (!scales.TryGetValue(t.Name, out double s) || !model.Parameters.TryGet(t.WeightName, out ParameterInfo info))
            {
                continue;
            }
            int count = checked((int)info.ElementCount);
            if (buffer.Length < count)
            {
                buffer = new float[count];
            }
            Span<float> w = buffer.AsSpan(0, count);
            model.Parameters.Read(t.WeightName, 0, w);
            System.Numerics.Tensors.TensorPrimitives.Multiply(w, (float)s, w);
            model.Parameters.Write(t.WeightName, 0, w);
        }
        return new ScaledWeights(model, before);
    }

    /// <summary>Restores the model from the snapshot taken before scaling on dispose unless committed.</summary>
    private sealed class ScaledWeights(IModel model, IModelSnapshot before) : IDisposable
    {
        private bool _done;

        public void Commit() => _done = true;

        public void Dispose()
        {
            if (!_done)
            {
                model.Restore(before);
            }
            _done = true;
            before.Dispose();
        }
    }

    private static JsonObject ScaleStatistics(IReadOnlyDictionary<string, double> scales) => scales.Count == 0
        ? new JsonObject { ["mean_scale"] = 1.0, ["min_scale"] = 1.0, ["max_scale"] = 1.0 }
        : new JsonObject { ["mean_scale"] = scales.Values.Average(), ["min_scale"] = scales.Values.Min(), ["max_scale"] = scales.Values.Max() };

    /// <summary>First 16 hex of SHA-256 over each target's name and float32 weight bytes (read in chunks, so a half-precision
    /// weight is widened chunk by chunk, not in place), in name order.</summary>
    private static string TargetFingerprint(IModel model, IReadOnlyList<VarianceTarget> targets)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (VarianceTarget t in targets.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(t.Name + "\n"));
            if (model.Parameters.TryGet(t.WeightName, out ParameterInfo info))
            {
                TensorReads.ForEachChunk(model.Parameters, t.WeightName, info.ElementCount,
                    (chunk, _) => hash.AppendData(MemoryMarshal.AsBytes(chunk)));
            }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}

/// <summary>Collects per-window mean squares E[y²] of target outputs.</summary>
internal sealed class MeanSquareTap(IEnumerable<string> modules, int windowLimit) : IActivationTap
{
    public IReadOnlySet<string> ModuleNames { get; } = new HashSet<string>(modules, StringComparer.Ordinal);

    public Dictionary<string, List<double>> Samples { get; } = new(StringComparer.Ordinal);

    public void OnActivation(string moduleName, int windowIndex, ReadOnlySpan<float> activations, int tokens, int width)
    {
        if (windowIndex >= windowLimit || activations.IsEmpty)
        {
            return;
        }
        double s = 0.0;
        foreach (float x in activations)
        {
            s += (double)x * x;
        }
        double ms = s / activations.Length;
        if (!double.IsFinite(ms))
        {
            return;
        }
        if (!Samples.TryGetValue(moduleName, out List<double>? list))
        {
            Samples[moduleName] = list = [];
        }
        list.Add(ms);
    }
}

/// <summary>Per-window loss, perplexity and token counts of one A/B condition (non-finite windows dropped).</summary>
internal sealed record WindowStats(IReadOnlyList<(int Index, double Loss, double Ppl, int Tokens)> Windows)
{
    public int Count => Windows.Count;

    public IEnumerable<double> Ppl => Windows.Select(w => w.Ppl);

    public static WindowStats From(IReadOnlyList<WindowLoss> losses, int count)
    {
        var list = new List<(int, double, double, int)>();
        for (int i = 0; i < Math.Min(count, losses.Count); i++)
        {
            double loss = losses[i].MeanLoss;
            double ppl = DeterministicMath.Exp(loss);
            if (double.IsFinite(loss) && double.IsFinite(ppl))
            {
                list.Add((i, loss, ppl, losses[i].TokenCount));
            }
        }
        return new WindowStats(list);
    }

    public static List<((int Index, double Loss, double Ppl, int Tokens) A, (int Index, double Loss, double Ppl, int Tokens) B)> Pair(WindowStats a, WindowStats b)
    {
        var byIndex = b.Windows.ToDictionary(w => w.Index);
        var result = new List<((int, double, double, int), (int, double, double, int))>();
        foreach (var w in a.Windows)
        {
            if (byIndex.TryGetValue(w.Index, out var other))
            {
                result.Add((w, other));
            }
        }
        return result;
    }
}
