using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core.Reporting.Html;

/// <summary>Facts derived from a report that the HTML page and <c>invarlock explain</c> present the same way.</summary>
public static class ReportFacts
{
    /// <summary>A number as the rendered reports show it: up to six decimals, trailing zeros dropped, <c>n/a</c> when missing.</summary>
    public static string Number(double? value) => HtmlText.Number(value);

    /// <summary>PASS, FAIL, WARN (a failed non-gating gate) or n/a (not evaluated): the same words as the Markdown summary.</summary>
    public static string Outcome(GateResult gate) => !gate.Evaluated ? "n/a" : gate.Passed ? "PASS" : gate.Gating ? "FAIL" : "WARN";

    /// <summary>Which weights the verdict is about, in one sentence: a brought subject as it is on disk, or the checkpoint an
    /// edit run wrote (the edit, as repaired by guards when they changed it), or an in-memory edit when none was written.
    /// The console, Markdown, HTML and <c>explain</c> all show this sentence.</summary>
    public static string GradedModel(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string weights = report.Subject.WeightsSha256.Length > 16 ? report.Subject.WeightsSha256[..16] : report.Subject.WeightsSha256;
        if (report.Edit is null)
        {
            return $"The verdict is about the subject checkpoint as it is on disk ({report.Subject.Path}, weights {weights}); the guards only observed it.";
        }
        if (report.Edit.Checkpoint is { } c)
        {
            return $"The verdict is about the checkpoint this run wrote to {c.Path} (weights {weights}): the {report.Edit.Name} edit of the baseline"
                + (c.RepairedByGuards ? ", as repaired by the guards." : ".");
        }
        return $"The verdict is about the {report.Edit.Name} edit of the baseline held in memory (weights {weights}); no checkpoint was written.";
    }

    /// <summary>The threshold as a reader compares it: <c>&lt;= 1.102</c>, <c>in [0.95, 1.05]</c>, or empty when the gate has none.</summary>
    public static string Threshold(GateResult gate, GatePolicySection policy)
    {
        if (gate.Id is GateEvaluator.DriftAcceptable or GateEvaluator.ScheduleBalanced)
        {
            return $"in [{HtmlText.Number(policy.DriftMin)}, {HtmlText.Number(policy.DriftMax)}]";
        }

        if (gate.Threshold is null || gate.Comparison == "none")
        {
            return string.Empty;
        }

        return gate.Comparison + " " + HtmlText.Number(gate.Threshold);
    }

    /// <summary>Per-window Δ = subject − baseline mean log-loss (nats per token) on one arm, in window order; null where a
    /// loss is missing or a window has no predicted tokens. Both models' lists are in the arm's window order.</summary>
    public static IReadOnlyList<double?> PerWindowDeltas(ArmLossesSection arm)
    {
        ArgumentNullException.ThrowIfNull(arm);
        int n = Math.Min(Math.Min(arm.BaselineLossSums.Count, arm.BaselineTokenCounts.Count),
            Math.Min(arm.SubjectLossSums.Count, arm.SubjectTokenCounts.Count));
        var deltas = new double?[n];
        for (int i = 0; i < n; i++)
        {
            if (arm.BaselineLossSums[i] is double b && arm.SubjectLossSums[i] is double s
                && arm.BaselineTokenCounts[i] > 0 && arm.SubjectTokenCounts[i] > 0)
            {
                double d = s / arm.SubjectTokenCounts[i] - b / arm.BaselineTokenCounts[i];
                deltas[i] = double.IsFinite(d) ? d : null;
            }
        }

        return deltas;
    }

    /// <summary>The guard's findings ordered for a summary: fatal first, then by how far the value is past its
    /// threshold (value / threshold), then in the guard's order.</summary>
    public static IReadOnlyList<GuardViolationSection> TopViolations(GuardSection guard, int count)
    {
        ArgumentNullException.ThrowIfNull(guard);
        return guard.Violations
            .Select((v, i) => (v, i))
            .OrderByDescending(p => p.v.Fatal)
            .ThenByDescending(p => Excess(p.v))
            .ThenBy(p => p.i)
            .Take(count)
            .Select(p => p.v)
            .ToList();
    }

    private static double Excess(GuardViolationSection v) =>
        v.Value is double value && v.Threshold is double threshold && threshold != 0 && double.IsFinite(value / threshold)
            ? Math.Abs(value / threshold) : double.NegativeInfinity;
}
