using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Guards.Common;
using InvarLock.Sdk.Guards;

namespace InvarLock.Guards.Variance;

/// <summary>The variance guard's policy (guards.md §1.5, §5.1). Missing keys take the balanced tier's values.</summary>
internal sealed record VarianceOptions
{
    public double MinGain { get; init; }
    public double MinRelGain { get; init; } = 0.001;
    public int MaxCalib { get; init; } = 200;
    public string Scope { get; init; } = "ffn";
    public double ClampLo { get; init; } = 0.85;
    public double ClampHi { get; init; } = 1.12;
    public double Deadband { get; init; } = 0.02;
    public int Seed { get; init; } = 123;
    public string Mode { get; init; } = "ci";
    public double Alpha { get; init; } = 0.05;
    public double TieBreakerDeadband { get; init; } = 0.001;
    public double? MinEffectLogNll { get; init; } = 0.0;
    public double MinAbsAdjust { get; init; } = 0.012;
    public double MaxScaleStep { get; init; } = 0.03;
    public int TopkBackstop { get; init; } = 1;
    public int MaxAdjustedModules { get; init; } = 1;
    public bool PredictiveGate { get; init; } = true;
    public bool PredictiveOneSided { get; init; } = true;
    public IReadOnlyList<string> Tap { get; init; } = ["transformer.h.*.mlp.c_proj"];
    public int CalibrationWindows { get; init; } = 8;
    public int MinCoverage { get; init; } = 6;
    public int CalibrationSeed { get; init; } = 123;
    public double AbsoluteFloorPpl { get; init; } = 0.05;
    public bool? MonitorOnly { get; init; }
    public IReadOnlyList<string>? TargetModules { get; init; }

    public static VarianceOptions Balanced { get; } = new();

    /// <summary>Windows used to propose scales: <c>min(max_calib / 10, 50)</c>.</summary>
    public int ScaleWindows => Math.Min(MaxCalib / 10, 50);

    /// <summary>Parses a whole section (<see cref="Read"/>, then unknown keys are rejected).</summary>
    public static VarianceOptions Parse(JsonElement policy) => PolicyReader.Read("guards.variance", policy, Read);

    /// <summary>Reads every key of the section from <paramref name="s"/>: the guard's
    /// <see cref="GuardBase{TPolicy}.ParsePolicy"/> hook.</summary>
    public static VarianceOptions Read(PolicyReader s)
    {
        ArgumentNullException.ThrowIfNull(s);
        VarianceOptions d = Balanced;
        double lo = d.ClampLo;
        double hi = d.ClampHi;
        if (s.TryGet("clamp", out JsonElement clamp))
        {
            if (clamp.ValueKind != JsonValueKind.Array || clamp.GetArrayLength() != 2
                || !PolicyReader.TryReadNumber(clamp[0], out lo) || !PolicyReader.TryReadNumber(clamp[1], out hi)
                || !(lo >= 0.1 && lo < hi && hi <= 5))
            {
                throw PolicyReader.Invalid("guards.variance.clamp", clamp, "[lo, hi] with 0.1 <= lo < hi <= 5");
            }
        }
        int seed = s.Integer("seed", d.Seed, 0);
        PolicyReader cal = s.Child("calibration");
        int windows = cal.Integer("windows", d.CalibrationWindows, 0, 10000);
        double? minEffect = d.MinEffectLogNll;
        if (s.Has("min_effect_lognll"))
        {
            minEffect = s.OptionalNumber("min_effect_lognll", 0, 10);
        }
        return new VarianceOptions
        {
            MinGain = s.Number("min_gain", d.MinGain, 0, 1),
            MinRelGain = s.Number("min_rel_gain", d.MinRelGain, 0, 1, maxExclusive: true),
            MaxCalib = s.Integer("max_calib", d.MaxCalib, 50, 1000),
            Scope = s.Choice("scope", d.Scope, "ffn", "attn", "both"),
            ClampLo = lo,
            ClampHi = hi,
            Deadband = s.Number("deadband", d.Deadband, 0, 0.5),
            Seed = seed,
            Mode = s.Choice("mode", d.Mode, "ci", "delta"),
            Alpha = s.Number("alpha", d.Alpha, 0, 1, minExclusive: true, maxExclusive: true),
            TieBreakerDeadband = s.Number("tie_breaker_deadband", d.TieBreakerDeadband, 0, 1),
            MinEffectLogNll = minEffect,
            MinAbsAdjust = s.Number("min_abs_adjust", d.MinAbsAdjust, 0, 1),
            MaxScaleStep = s.Number("max_scale_step", d.MaxScaleStep, 0, 1),
            TopkBackstop = s.Integer("topk_backstop", d.TopkBackstop, 0, 1000),
            MaxAdjustedModules = s.Integer("max_adjusted_modules", d.MaxAdjustedModules, 0, 100000),
            PredictiveGate = s.Boolean("predictive_gate", d.PredictiveGate),
            PredictiveOneSided = s.Boolean("predictive_one_sided", d.PredictiveOneSided),
            Tap = s.StringList("tap") ?? d.Tap,
            CalibrationWindows = windows,
            MinCoverage = cal.Integer("min_coverage", cal.Has("windows") ? Math.Max(1, windows / 2) : d.MinCoverage, 0, 10000),
            CalibrationSeed = cal.Integer("seed", seed, 0),
            AbsoluteFloorPpl = s.Number("absolute_floor_ppl", d.AbsoluteFloorPpl, 0),
            MonitorOnly = s.TryGet("monitor_only", out _) ? s.Boolean("monitor_only", false) : null,
            TargetModules = s.StringList("target_modules"),
        };
    }

    public JsonObject ToJson() => new()
    {
        ["absolute_floor_ppl"] = AbsoluteFloorPpl,
        ["alpha"] = Alpha,
        ["calibration"] = new JsonObject { ["min_coverage"] = MinCoverage, ["seed"] = CalibrationSeed, ["windows"] = CalibrationWindows },
        ["clamp"] = new JsonArray(ClampLo, ClampHi),
        ["deadband"] = Deadband,
        ["max_adjusted_modules"] = MaxAdjustedModules,
        ["max_calib"] = MaxCalib,
        ["max_scale_step"] = MaxScaleStep,
        ["min_abs_adjust"] = MinAbsAdjust,
        ["min_effect_lognll"] = JsonHelpers.Number(MinEffectLogNll),
        ["min_gain"] = MinGain,
        ["min_rel_gain"] = MinRelGain,
        ["mode"] = Mode,
        ["monitor_only"] = MonitorOnly,
        ["predictive_gate"] = PredictiveGate,
        ["predictive_one_sided"] = PredictiveOneSided,
        ["scope"] = Scope,
        ["seed"] = Seed,
        ["tap"] = JsonHelpers.Strings(Tap),
        ["target_modules"] = TargetModules is null ? null : JsonHelpers.Strings(TargetModules),
        ["tie_breaker_deadband"] = TieBreakerDeadband,
        ["topk_backstop"] = TopkBackstop,
    };
}
