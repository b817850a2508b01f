using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core.Tests.Reporting.Html;

public sealed class ReportFactsTests
{
    /// <summary>Δ means are sums of ~24 doubles of size ~3: agreement to 1e-12 leaves room only for summation order.</summary>
    private const double SummationTolerance = 1e-12;

    [Fact]
    public void PerWindowDeltas_BuiltReport_MatchesReportedDeltaSummary()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(shift: 0.01, noise: 0.02));

        IReadOnlyList<double?> deltas = ReportFacts.PerWindowDeltas(report.Evaluation.Final);

        DeltaSection summary = report.PrimaryMetric.Delta!;
        Assert.Equal(summary.Count, deltas.Count);
        Assert.All(deltas, d => Assert.NotNull(d));
        Assert.Equal(summary.Mean!.Value, deltas.Average(d => d!.Value), SummationTolerance);
        Assert.Equal(summary.Min!.Value, deltas.Min()!.Value, SummationTolerance);
        Assert.Equal(summary.Max!.Value, deltas.Max()!.Value, SummationTolerance);
    }

    [Fact]
    public void PerWindowDeltas_MissingLossOrZeroTokens_Null()
    {
        var arm = new ArmLossesSection([3.0, null, 4.0], [2, 2, 0], [4.0, 5.0, 4.0], [2, 2, 2]);

        IReadOnlyList<double?> deltas = ReportFacts.PerWindowDeltas(arm);

        Assert.Equal([0.5, null, null], deltas);
    }

    [Theory]
    [InlineData(true, true, true, "PASS")]
    [InlineData(true, true, false, "FAIL")]
    [InlineData(false, true, false, "WARN")]
    [InlineData(true, false, true, "n/a")]
    public void Outcome_GateStates_SameWordsAsMarkdown(bool gating, bool evaluated, bool passed, string expected)
    {
        var gate = new GateResult("g", "d", gating, evaluated, passed, 1, 2, "<=", "r", "p");

        Assert.Equal(expected, ReportFacts.Outcome(gate));
    }

    [Fact]
    public void Threshold_DriftGate_ShowsBand()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run());
        GateResult drift = report.Gates.Single(g => g.Id == GateEvaluator.DriftAcceptable);
        GateResult ratio = report.Gates.Single(g => g.Id == GateEvaluator.PrimaryMetricAcceptable);
        GateResult valid = report.Gates.Single(g => g.Id == GateEvaluator.PrimaryMetricValid);

        Assert.Equal("in [0.95, 1.05]", ReportFacts.Threshold(drift, report.Policy.GatePolicy));
        Assert.Equal("<= 1.102", ReportFacts.Threshold(ratio, report.Policy.GatePolicy));
        Assert.Equal("", ReportFacts.Threshold(valid, report.Policy.GatePolicy));
    }

    [Fact]
    public void TopViolations_MixedFindings_FatalFirstThenFurthestPastThreshold()
    {
        var guard = new GuardSection("spectral", 1, "first-party", true, null, false, "abort",
        [
            new GuardViolationSection("a", "small", "m1", 1.1, 1.0, false),
            new GuardViolationSection("b", "big", "m2", 3.0, 1.0, false),
            new GuardViolationSection("c", "fatal", "m3", null, null, true),
            new GuardViolationSection("d", "no numbers", null, null, null, false),
        ], new Dictionary<string, double?>(), null, null);

        var top = ReportFacts.TopViolations(guard, 3).Select(v => v.Code).ToList();

        Assert.Equal(["c", "b", "a"], top);
    }
}
