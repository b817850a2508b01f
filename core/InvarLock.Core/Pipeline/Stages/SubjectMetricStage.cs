using System.Diagnostics;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 8: the primary metric on the subject over the plan's windows (measured even after an abort, so the
/// report shows what the guards saw). In ci/release <see cref="Bare"/> first scores the final arm before any guard
/// acts, for the guard-overhead gate. The token comparison (KL divergence, top-1 agreement) rides on the final arm's
/// pass.</summary>
internal static class SubjectMetricStage
{
    /// <summary>The final arm's losses and seconds before guard validation, when the profile measures overhead.</summary>
    public static (IReadOnlyList<WindowLoss> Losses, double Seconds)? Bare(RunSetup setup, IModel subject, WindowPlan plan, RunContext context)
    {
        if (!setup.Policy.Profile.MeasureGuardOverhead)
        {
            return null;
        }
        var clock = Stopwatch.StartNew();
        IReadOnlyList<WindowLoss> losses = setup.Metric.Score(subject, new MetricRequest(WindowPlan.AsMemory(plan.Final))
        {
            Seed = setup.Seed,
            CancellationToken = context.CancellationToken,
        });
        return (losses, clock.Elapsed.TotalSeconds);
    }

    public static SubjectScores Run(RunSetup setup, IModel subject, WindowPlan plan, (IReadOnlyList<WindowLoss> Losses, double Seconds)? bare,
        ITokenComparison? comparison, RunContext context)
    {
        var clock = Stopwatch.StartNew();
        context.Observer.StageStarted("evaluate subject", plan.Preview.Count + plan.Final.Count);
        IReadOnlyList<WindowLoss> preview = setup.Metric.Score(subject, new MetricRequest(WindowPlan.AsMemory(plan.Preview))
        {
            Seed = setup.Seed,
            Progress = context.Progress,
            CancellationToken = context.CancellationToken,
        });
        var guarded = Stopwatch.StartNew();
        IReadOnlyList<WindowLoss> final = setup.Metric.Score(subject, new MetricRequest(WindowPlan.AsMemory(plan.Final))
        {
            Seed = setup.Seed,
            Observer = comparison?.Subject(FinalInSelection(plan)),
            Progress = context.Progress,
            CancellationToken = context.CancellationToken,
        });
        context.Observer.StageCompleted("evaluate subject");
        GuardOverheadMeasurement? overhead = bare is { } b
            ? new GuardOverheadMeasurement(b.Losses, final, b.Seconds, guarded.Elapsed.TotalSeconds,
                "bare = subject final arm before guard validation; guarded = the same arm after every guard action (VE scaling, rollback)")
            : null;
        return new SubjectScores(preview, final, overhead, clock.Elapsed.TotalSeconds, comparison?.Results);
    }

    /// <summary>For each final-arm window, its index in the selection (the baseline pass's window order).</summary>
    private static IReadOnlyList<int> FinalInSelection(WindowPlan plan)
    {
        var indices = new int[plan.Preview.Count + plan.Final.Count];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }
        return plan.Split(indices).Final;
    }
}
