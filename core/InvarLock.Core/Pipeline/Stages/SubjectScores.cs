using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>The output of <see cref="SubjectMetricStage"/>: the subject's losses on each arm and, in ci/release, the
/// bare-vs-guarded overhead measurement, and the final arm's token comparison against the baseline (null when none ran).</summary>
internal sealed record SubjectScores(IReadOnlyList<WindowLoss> Preview, IReadOnlyList<WindowLoss> Final, GuardOverheadMeasurement? Overhead,
    double Seconds, IReadOnlyList<TokenComparisonWindow>? Comparison);
