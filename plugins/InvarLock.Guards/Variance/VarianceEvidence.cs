using System.Text.Json.Nodes;
using InvarLock.Guards.Common;

namespace InvarLock.Guards.Variance;

/// <summary>What one variance validation found and decided — the proposal, the A/B calibration, the gates — and how it
/// is reported: the guard's metrics and its <c>details</c> object (the shape the report carries).</summary>
internal sealed record VarianceEvidence
{
    public required VarianceOptions Options { get; init; }
    public required TargetResolution Targets { get; init; }
    public required int CalibrationWindows { get; init; }
    public required SortedDictionary<string, double> Scales { get; init; }
    public required SortedDictionary<string, double> RawScales { get; init; }
    public required bool BackstopUsed { get; init; }
    public required WindowStats ConditionA { get; init; }
    public required WindowStats? ConditionB { get; init; }
    public required AbResults Ab { get; init; }
    public required string Status { get; init; }
    public required int Coverage { get; init; }
    public required PredictiveState Predictive { get; init; }
    public required string GateReason { get; init; }
    /// <summary>The A/B gate's decision before monitor/observe-only overrides.</summary>
    public required bool MetThreshold { get; init; }
    public required bool WouldEnable { get; init; }
    public required bool Enabled { get; init; }
    public required IReadOnlyDictionary<string, double> AppliedScales { get; init; }
    public required bool MonitorOnly { get; init; }
    public required bool ObserveOnly { get; init; }
    public required JsonObject? PreEdit { get; init; }
    public required string TargetFingerprint { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required IReadOnlyList<string> Errors { get; init; }

    /// <summary>The guard's numeric metrics.</summary>
    public Dictionary<string, double> Metrics()
    {
        double gain = Ab.Gain ?? 0.0;
        var metrics = new Dictionary<string, double>
        {
            ["ve_enabled"] = Enabled ? 1 : 0,
            ["proposed_scales"] = Scales.Count,
            ["target_modules"] = Targets.Targets.Count,
            ["ab_gain"] = gain,
            ["ab_windows_used"] = Coverage,
            ["ab_seed_used"] = Options.CalibrationSeed,
            ["monitor_only"] = MonitorOnly ? 1 : 0,
            ["met_threshold"] = MetThreshold ? 1 : 0,
            ["min_gain_threshold"] = Options.MinGain + Options.TieBreakerDeadband,
        };
        if (Ab.PplNoVe is double pn)
        {
            metrics["ppl_no_ve"] = pn;
        }
        if (Ab.PplWithVe is double pw)
        {
            metrics["ppl_with_ve"] = pw;
        }
        return metrics;
    }

        /// <summary>The guard's details object.</summary>
        public JsonObject Details()
        {
        double gain = Ab.Gain ?? 0.0;
        var windowIds = new JsonArray([.. Enumerable.Range(0, CalibrationWindows).Select(i => (JsonNode)i)]);
        var details = new JsonObject
        {
            ["prepared"] = true,
            ["evaluated"] = CalibrationWindows > 0,
            ["guard_type"] = "variance",
            ["ve_enabled"] = Enabled,
            ["ve_applied"] = Enabled,
            ["subject_scaled"] = Enabled,
            ["applied_scales"] = JsonHelpers.Numbers(AppliedScales),
            ["gate_reason"] = GateReason,
            ["gain"] = gain,
            ["ab_test_performed"] = Ab.PplNoVe is not null,
            ["ppl_no_ve"] = JsonHelpers.Number(Ab.PplNoVe),
            ["ppl_with_ve"] = JsonHelpers.Number(Ab.PplWithVe),
            ["ratio_ci"] = Ab.RatioCi is (double rl, double rh) ? JsonHelpers.Pair(rl, rh) : null,
            ["monitor_only"] = MonitorOnly,
            ["observe_only"] = ObserveOnly,
            ["would_enable"] = WouldEnable,
            ["scope"] = Options.Scope,
            ["mode"] = Options.Mode,
            ["alpha"] = Options.Alpha,
            ["min_rel_gain"] = Options.MinRelGain,
            ["max_calib_used"] = Options.MaxCalib,
            ["tap"] = JsonHelpers.Strings(Options.Tap),
            ["target_modules"] = Targets.Targets.Count,
            ["target_module_names"] = JsonHelpers.Strings(Targets.Targets.Select(t => t.Name)),
            ["focus_modules"] = Options.TargetModules is null ? new JsonArray() : JsonHelpers.Strings(Options.TargetModules),
            ["target_resolution"] = Targets.Record.DeepClone(),
            ["proposed_scales"] = JsonHelpers.Numbers(Scales),
            ["raw_scales_post_edit"] = JsonHelpers.Numbers(RawScales),
            ["proposed_scales_post_edit"] = JsonHelpers.Numbers(Scales),
            ["proposed_scales_pre_edit"] = PreEdit?["proposed_scales"]?.DeepClone(),
            ["raw_scales_pre_edit"] = PreEdit?["raw_scales"]?.DeepClone(),
            ["scale_filtering"] = new JsonObject
            {
                ["backstop_used"] = BackstopUsed,
                ["max_scale_step"] = Options.MaxScaleStep,
                ["min_abs_adjust"] = Options.MinAbsAdjust,
                ["topk_backstop"] = Options.TopkBackstop,
            },
            ["calibration"] = new JsonObject
            {
                ["requested"] = Options.CalibrationWindows,
                ["coverage"] = Coverage,
                ["min_coverage"] = Options.MinCoverage,
                ["seed"] = Options.CalibrationSeed,
                ["status"] = Status,
                ["tag"] = "post_edit",
            },
            ["predictive_gate"] = new JsonObject
            {
                ["evaluated"] = Predictive.Evaluated,
                ["passed"] = Predictive.Passed,
                ["reason"] = Predictive.Reason,
                ["delta_ci"] = Predictive.DeltaCi is (double dl, double dh) ? JsonHelpers.Pair(dl, dh) : JsonHelpers.Pair(null, null),
                ["gain_ci"] = Predictive.GainCi is (double gl, double gh) ? JsonHelpers.Pair(gl, gh) : JsonHelpers.Pair(null, null),
                ["mean_delta"] = JsonHelpers.Number(Predictive.MeanDelta),
                ["one_sided"] = Options.PredictiveOneSided,
            },
            ["ab_test"] = new JsonObject
            {
                ["seed"] = Options.CalibrationSeed,
                ["windows_used"] = Coverage,
                ["window_ids"] = windowIds,
                ["provenance"] = new JsonObject
                {
                    ["condition_a"] = new JsonObject { ["mode"] = "edited_no_ve", ["tag"] = "post_edit", ["window_count"] = ConditionA.Count, ["target_fingerprint"] = TargetFingerprint },
                    ["condition_b"] = new JsonObject { ["mode"] = "virtual_ve", ["tag"] = "post_edit", ["window_count"] = ConditionB?.Count ?? 0, ["target_fingerprint"] = TargetFingerprint },
                },
                ["point_estimates"] = new JsonObject
                {
                    ["ppl_no_ve"] = JsonHelpers.Number(Ab.PplNoVe),
                    ["ppl_with_ve"] = JsonHelpers.Number(Ab.PplWithVe),
                    ["coverage"] = Coverage,
                },
            },
            ["warnings"] = JsonHelpers.Strings(Warnings),
            ["errors"] = JsonHelpers.Strings(Errors),
            ["policy"] = Options.ToJson(),
        };
        return details;
    }
}
