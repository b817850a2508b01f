using System.Diagnostics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 8: the primary metric on the subject over the plan's windows (measured even after an abort, so the
/// report shows what the guards saw). In ci/release <see cref="Bare"/> first scores the final arm before any guard
/// acts, for the guard-overhead gate.</summary>
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
        IReadOnlyList<WindowLoss> losses = setup.Metric.Score(subject, WindowPlan.AsMemory(plan.Final), null, context.CancellationToken);
        return (losses, clock.Elapsed.TotalSeconds);
    }

    public static SubjectScores Run(RunSetup setup, IModel subject, WindowPlan plan, (IReadOnlyList<WindowLoss> Losses, double Seconds)? bare,
        RunContext context)
    {
        var clock = Stopwatch.StartNew();
        context.Observer.StageStarted("evaluate subject", plan.Preview.Count + plan.Final.Count);
        IReadOnlyList<WindowLoss> preview = setup.Metric.Score(subject, WindowPlan.AsMemory(plan.Preview), context.Progress, context.CancellationToken);
        var guarded = Stopwatch.StartNew();
        IReadOnlyList<WindowLoss> final = setup.Metric.Score(subject, WindowPlan.AsMemory(plan.Final), context.Progress, context.CancellationToken);
        context.Observer.StageCompleted("evaluate subject");
        GuardOverheadMeasurement? overhead = bare is { } b
            ? new GuardOverheadMeasurement(b.Losses, final, b.Seconds, guarded.Elapsed.TotalSeconds,
                "bare = subject final arm before guard validation; guarded = the same arm after every guard action (VE scaling, rollback)")
            : null;
        return new SubjectScores(preview, final, overhead, clock.Elapsed.TotalSeconds);
    }
}
