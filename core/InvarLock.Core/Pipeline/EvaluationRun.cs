using InvarLock.Core.Policy;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>The raw facts of one evaluation, gathered by <see cref="EvaluationRunner"/>; the report builder turns them
/// into statistics, gates and a verdict.</summary>
internal sealed record EvaluationRun
{
    public required string ToolVersion { get; init; }
    /// <summary>What the run's guards ship about their policy (gate ids, finding → policy key), from the registry.</summary>
    public InvarLock.Core.Plugins.GuardPolicyCatalog GuardPolicies { get; init; } = InvarLock.Core.Plugins.GuardPolicyCatalog.Empty;
    public required DateTimeOffset StartedUtc { get; init; }
    public required DateTimeOffset FinishedUtc { get; init; }
    public required ModelFacts Baseline { get; init; }
    public required ModelFacts Subject { get; init; }
    /// <summary>The edit applied to a copy of the baseline, or null when the subject was brought in (BYOE).</summary>
    public EditResult? Edit { get; init; }
    /// <summary>The checkpoint an edit run wrote (the graded weights), or null.</summary>
    public WrittenCheckpoint? SubjectCheckpoint { get; init; }
    public required DatasetFacts Dataset { get; init; }
    public required WindowPlan Windows { get; init; }
    /// <summary>Baseline losses, preview arm, in <see cref="WindowPlan.Preview"/> order.</summary>
    public required IReadOnlyList<WindowLoss> BaselinePreview { get; init; }
    public required IReadOnlyList<WindowLoss> BaselineFinal { get; init; }
    /// <summary>Subject losses after guards (and after rollback, when a guard rolled back).</summary>
    public required IReadOnlyList<WindowLoss> SubjectPreview { get; init; }
    public required IReadOnlyList<WindowLoss> SubjectFinal { get; init; }
    /// <summary>The final arm's token comparison (KL divergence, top-1 agreement) against the baseline, in final-arm
    /// order; null when the metric has none or the baseline was taken from a report.</summary>
    public IReadOnlyList<Sdk.Metrics.TokenComparisonWindow>? TokenComparison { get; init; }
    public required IReadOnlyList<GuardRecord> Guards { get; init; }
    /// <summary>True when a guard asked for rollback and the subject's weights were restored from snapshot.</summary>
    public bool RolledBack { get; init; }
    /// <summary>True when a guard asked to abort (exit 3). The subject is still measured so the report shows what the guard saw.</summary>
    public bool Aborted { get; init; }
    public required ResolvedPolicy Policy { get; init; }
    public required int Seed { get; init; }
    public required string PrimaryMetric { get; init; }
    public required IReadOnlyList<PluginUse> Plugins { get; init; }
    public required RunTimings Timings { get; init; }
    public GuardOverheadMeasurement? GuardOverhead { get; init; }
    /// <summary>Threads used by the compute kernels.</summary>
    public required int Threads { get; init; }
    /// <summary>Compute backend description (name and instruction sets).</summary>
    public required string ComputeBackend { get; init; }
    /// <summary>Where the run's work on model and data files ran: <c>host</c> or <c>sandbox</c>.</summary>
    public string ExecutionMode { get; init; } = "host";
    /// <summary>The baseline report the baseline windows and losses were reused from, if any.</summary>
    public string? BaselineReportPath { get; init; }
    /// <summary>Warnings the runner raised (pairing in dev, etc.).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
