using System.Globalization;
using InvarLock.Numerics;

namespace InvarLock.Guards.Variance;

/// <summary>The predictive gate's state: whether it ran, its verdict and reason, and the ΔlogNLL evidence.</summary>
internal sealed record PredictiveState(bool Evaluated, bool Passed, string Reason, (double Lo, double Hi)? DeltaCi = null, double? MeanDelta = null)
{
    /// <summary>Initial state (guards.md §5.6): not evaluated; passes only when the gate is disabled.</summary>
    public static PredictiveState Initial(bool predictiveGate) => new(false, !predictiveGate, predictiveGate ? "no_calibration" : "disabled");

    /// <summary>Gain interval (−hi, −lo) of the ΔlogNLL interval.</summary>
    public (double Lo, double Hi)? GainCi => DeltaCi is (double lo, double hi) ? (-hi, -lo) : null;
}

/// <summary>Inputs of the A/B decision.</summary>
internal sealed record AbResults(double? PplNoVe, double? PplWithVe, (double Lo, double Hi)? RatioCi)
{
    /// <summary>(ppl_no − ppl_with)/max(ppl_no, 1e-9); 0 when either is missing, non-finite or ppl_no ≤ 0; null without results.</summary>
    public double? Gain
    {
        get
        {
            if (PplNoVe is null && PplWithVe is null)
            {
                return null;
            }
            if (PplNoVe is not double no || PplWithVe is not double with || no <= 0)
            {
                return 0.0;
            }
            double g = (no - with) / Math.Max(no, 1e-9);
            return double.IsFinite(g) ? g : 0.0;
        }
    }
}

/// <summary>The variance guard's predictive gate (guards.md §5.7) and A/B decision (§5.9). Δ &lt; 0 means VE improves log-loss.</summary>
internal static class VarianceGates
{
    public static (bool Passed, string Reason) Predictive(double meanDelta, (double Lo, double Hi)? ci, double minEffect, bool oneSided)
    {
        if (ci is not (double lo, double hi) || !double.IsFinite(lo) || !double.IsFinite(hi) || !double.IsFinite(meanDelta))
        {
            return (false, "ci_unavailable");
        }
        double me = Math.Max(minEffect, 0.0);
        if (oneSided)
        {
            if (hi >= 0)
            {
                return (false, "ci_contains_zero");
            }
            if (meanDelta >= 0)
            {
                return (false, "mean_not_negative");
            }
            if (hi > -me || meanDelta > -me)
            {
                return (false, "gain_below_threshold");
            }
            return (true, "ci_gain_met");
        }
        if (lo <= 0 && 0 <= hi)
        {
            return (false, "ci_contains_zero");
        }
        if (lo > 0)
        {
            return (false, lo >= me && meanDelta >= me ? "regression_detected" : "mean_not_negative");
        }
        if (hi > -me)
        {
            return (false, "gain_below_threshold");
        }
        if (meanDelta >= 0)
        {
            return (false, "mean_not_negative");
        }
        if (meanDelta > -me)
        {
            return (false, "gain_below_threshold");
        }
        return (true, "ci_gain_met");
    }

    /// <summary>The A/B decision, checks in the reference's order; returns the (possibly synthesised) predictive state too.</summary>
    public static (bool Enable, string Reason, PredictiveState State) AbGate(AbResults ab, PredictiveState state, VarianceOptions o)
    {
        if (o.PredictiveGate && !state.Evaluated && ab.RatioCi is not null)
        {
            state = state with { Evaluated = true, Passed = true, Reason = string.IsNullOrEmpty(state.Reason) || state.Reason == "no_calibration" ? "synthetic_ab_gate" : state.Reason };
        }
        double? gain = ab.Gain;
        if (gain is null)
        {
            return (false, "no_ab_results", state);
        }
        if (ab.PplNoVe is not double no || ab.PplWithVe is not double with || no <= 0 || with <= 0)
        {
            return (false, "invalid_ppl_values", state);
        }
        if (gain < o.MinRelGain)
        {
            return (false, F($"below_min_rel_gain (gain={gain:0.000} < {o.MinRelGain:0.000})"), state);
        }
        if (o.MinEffectLogNll is double me)
        {
            double logGain = DeterministicMath.Log(Math.Max(no, 1e-9)) - DeterministicMath.Log(Math.Max(with, 1e-9));
            if (logGain < me)
            {
                return (false, F($"below_min_effect_lognll (gain={logGain:0.000000} < {me:0.000000})"), state);
            }
        }
        if (o.Mode == "ci")
        {
            if (ab.RatioCi is not (double rlo, double rhi))
            {
                return (false, "missing_ratio_ci", state);
            }
            if (!double.IsFinite(rlo) || !double.IsFinite(rhi) || rlo <= 0 || rhi <= 0)
            {
                return (false, "invalid_ratio_ci", state);
            }
            double required = 1 - o.MinRelGain;
            if (o.MinEffectLogNll is double me2)
            {
                required = Math.Min(required, DeterministicMath.Exp(-me2));
            }
            if (rhi > required)
            {
                return (false, F($"ci_interval_too_high (hi={rhi:0.000} > {required:0.000})"), state);
            }
        }
        double improvement = no - with;
        if (improvement < o.AbsoluteFloorPpl)
        {
            return (false, F($"below_absolute_floor (improvement={improvement:0.000} < {o.AbsoluteFloorPpl:0.###})"), state);
        }
        double threshold = o.MinGain + o.TieBreakerDeadband;
        if (gain < threshold)
        {
            return (false, F($"below_threshold_with_deadband (gain={gain:0.000} < {threshold:0.000})"), state);
        }
        if (o.PredictiveGate && !state.Passed)
        {
            return (false, $"predictive_gate_failed ({state.Reason})", state);
        }
        return (true, F($"criteria_met (gain={gain:0.000} >= {threshold:0.000}, improvement={improvement:0.000})"), state);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
