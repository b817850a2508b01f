using InvarLock.Core.Reporting.Gates;

namespace InvarLock.Core.Reporting.Model;

/// <summary>The evaluation report, schema v1 (docs/reference/report-schema.md). Member order is the file's field order.</summary>
public sealed record EvaluationReport(
    string SchemaVersion,
    ToolSection Tool,
    RuntimeSection Runtime,
    RunSection Run,
    ModelSection Baseline,
    ModelSection Subject,
    EditSection? Edit,
    DatasetSection Dataset,
    WindowsSection Windows,
    EvaluationSection Evaluation,
    PrimaryMetricSection PrimaryMetric,
    TokenComparisonSection? TokenComparison,
    TailSection Tail,
    IReadOnlyList<GuardSection> Guards,
    GuardOverheadSection? GuardOverhead,
    PolicySection Policy,
    IReadOnlyList<GateResult> Gates,
    IReadOnlyDictionary<string, bool> Validation,
    Verdict Verdict,
    ConfidenceLabel Confidence,
    IReadOnlyList<PluginSection> Plugins,
    TimingSection Timing,
    IntegritySection Integrity)
{
    /// <summary>The schema version this build writes and reads.</summary>
    public const string CurrentSchemaVersion = "invarlock.evaluation-report/v1";
}
