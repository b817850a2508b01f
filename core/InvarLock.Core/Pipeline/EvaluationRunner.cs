using System.Diagnostics;
using InvarLock.Core.Pipeline.Stages;
using InvarLock.Core.Plugins;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>Runs one evaluation as a sequence of stages, each one type in one file under <c>Pipeline/Stages</c>
/// (docs/architecture.md): policy and plugins → inputs checked → baseline loaded →
/// metric settled for the baseline's objective → window plan (baseline scored, arms balanced) → guards prepare → subject
/// (brought or edited) → guards validate (rollback) → subject metric → graded
/// checkpoint. Returns the raw facts; <see cref="Reporting.ReportBuilder"/> derives statistics, gates and the verdict.</summary>
internal sealed class EvaluationRunner(PluginRegistry registry, RuntimeFacts runtime)
{
    public EvaluationRun Run(EvaluationRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DateTimeOffset started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var context = new RunContext(registry, observer ?? NullRunObserver.Instance, cancellationToken);

        RunSetup setup = PolicyStage.Run(request, context);
        CheckedInputs inputs = InputStage.Run(request, setup, context);
        (IModel baseline, ModelFacts baselineFacts, double loadSeconds) = BaselineStage.Run(request, inputs, context);
        try
        {
            setup = MetricStage.Run(request, setup, baseline, context);
        }
        catch
        {
            baseline.Dispose();
            throw;
        }
        // The token comparison records the baseline's outputs on its metric pass (none when a baseline report is reused:
        // there is no baseline pass) and compares the subject's final arm with them.
        using ITokenComparison? comparison = request.BaselineReport is null ? setup.Metric.CreateComparison() : null;
        PlannedWindows windows;
        IReadOnlyList<ReadOnlyMemory<int>> calibration;
        GuardRunInfo runInfo;
        IReadOnlyList<PreparedGuard> guards;
        string baselineTokenizer;
        // The baseline's weights are released before the subject loads: from here on the guards hold baseline
        // statistics, not baseline weights, so at most one model is resident.
        using (baseline)
        {
            windows = PlanStage.Run(request, setup, inputs, baseline, comparison, context);
            calibration = WindowPlan.AsMemory(windows.Plan.Preview);
            runInfo = new GuardRunInfo(setup.Policy.Tier, setup.Policy.Profile.Name, request.EditName, request.Seed)
            {
                ObserveOnly = inputs.SubjectPath is not null,
            };
            guards = GuardPrepareStage.Run(setup, baseline, calibration, runInfo, context);
            baselineTokenizer = baseline.Tokenizer.Info.Sha256;
        }
        {
            using SubjectModel subject = SubjectStage.Run(request, setup, inputs, baselineTokenizer, context);
            var bare = SubjectMetricStage.Bare(setup, subject.Model, windows.Plan, context);
            ValidatedGuards validated = GuardValidateStage.Run(setup, guards, subject, calibration, runInfo, inputs, context);
            SubjectScores scores = SubjectMetricStage.Run(setup, subject.Model, windows.Plan, bare, comparison, context);
            WrittenCheckpoint? written = CheckpointStage.Run(request, inputs, subject, validated.RolledBack, context);

            return new EvaluationRun
            {
                ToolVersion = runtime.ToolVersion,
                StartedUtc = started,
                FinishedUtc = DateTimeOffset.UtcNow,
                Baseline = baselineFacts,
                Subject = subject.Facts,
                Edit = subject.Edit,
                SubjectCheckpoint = written,
                Dataset = new DatasetFacts(setup.Dataset.Descriptor.Name, windows.Content.Source, windows.Content.Sha256, windows.StreamTokens,
                    request.SequenceLength, setup.Stride, request.Seed),
                Windows = windows.Plan,
                BaselinePreview = windows.BaselinePreview,
                BaselineFinal = windows.BaselineFinal,
                SubjectPreview = scores.Preview,
                SubjectFinal = scores.Final,
                TokenComparison = scores.Comparison,
                Guards = validated.Records,
                RolledBack = validated.RolledBack,
                Aborted = validated.Aborted,
                Policy = setup.Policy,
                GuardPolicies = registry.GuardPolicies,
                Seed = request.Seed,
                PrimaryMetric = setup.Metric.Descriptor.Name,
                Plugins = context.PluginsUsed(),
                Timings = new RunTimings(loadSeconds, windows.TokenizeSeconds, windows.BaselineEvalSeconds, scores.Seconds, validated.Seconds,
                    total.Elapsed.TotalSeconds),
                GuardOverhead = scores.Overhead,
                Threads = runtime.Threads,
                ComputeBackend = runtime.ComputeBackend,
                ExecutionMode = runtime.ExecutionMode,
                Warnings = context.Warnings,
                BaselineReportPath = request.BaselineReport?.Path,
            };
        }
    }
}
