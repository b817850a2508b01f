using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Text.Json.Nodes;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Reporting.Model;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Reporting;

/// <summary>Turns the raw facts of a run into an <see cref="EvaluationReport"/>: statistics, gates, verdict and digests.</summary>
internal static class ReportBuilder
{
    /// <summary>Builds the report of <paramref name="run"/>.</summary>
    public static EvaluationReport Build(EvaluationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        WindowsSection windows = Windows(run.Windows);
        var evaluation = new EvaluationSection(
            Arm(run.BaselinePreview, run.SubjectPreview),
            Arm(run.BaselineFinal, run.SubjectFinal),
            run.TokenComparison is { } compared ? ComparisonWindows(compared) : null);
        var guards = run.Guards.OrderBy(g => g.Position).Select(Guard).ToList();
        JsonObject resolved = Sanitize(run.Policy.Document)!.AsObject();
        ReportAnalysis.Result computed = ReportAnalysis.Compute(AnalysisInputs.FromRun(run, resolved));
        GuardOverheadSection? overhead = run.GuardOverhead is { } m && computed.Overhead is { } o ? Overhead(m, o) : null;

        var report = new EvaluationReport(
            EvaluationReport.CurrentSchemaVersion,
            new ToolSection("invarlock", run.ToolVersion),
            Runtime(run),
            new RunSection(computed.Policy.Profile, computed.Policy.Tier, run.Seed, run.PrimaryMetric, run.RolledBack, run.Aborted,
                run.BaselineReportPath, run.Warnings.ToList()),
            Model(run.Baseline),
            Model(run.Subject),
            run.Edit is null ? null : new EditSection(run.Edit.Name, run.Edit.Changes.Count,
                run.Edit.Changes.OrderBy(c => c.Parameter, StringComparer.Ordinal)
                    .Select(c => new ParameterChangeSection(c.Parameter, c.Elements, N(c.MaxAbsChange), N(c.RelativeFrobeniusChange))).ToList(),
                Sanitize(run.Edit.Details)?.AsObject(),
                run.SubjectCheckpoint is { } c ? new CheckpointSection(c.Path, c.WeightsSha256, c.RepairedByGuards, c.Files) : null),
            new DatasetSection(run.Dataset.Provider, run.Dataset.Source, run.Dataset.Sha256, run.Dataset.StreamTokens, run.Dataset.SequenceLength,
                run.Dataset.Stride, run.Dataset.Seed),
            windows,
            evaluation,
            computed.PrimaryMetric,
            computed.TokenComparison,
            computed.Tail,
            guards,
            overhead,
            new PolicySection(computed.Policy.Tier, computed.Policy.Profile, computed.PolicySha256, run.Policy.Sources.ToList(), computed.GatePolicy,
                resolved),
            computed.Gates.Gates,
            computed.Gates.Validation,
            computed.Gates.Verdict,
            computed.Gates.Confidence,
            run.Plugins.Select(p => new PluginSection(p.Kind, p.Name, p.Version, p.Source, p.SignerFingerprint))
                .OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList(),
            new TimingSection(
                run.StartedUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
                run.FinishedUtc.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
                run.Timings.LoadSeconds, run.Timings.TokenizeSeconds, run.Timings.BaselineEvalSeconds, run.Timings.SubjectEvalSeconds,
                run.Timings.GuardSeconds, run.Timings.TotalSeconds,
                run.Guards.OrderBy(g => g.Position).Select(g => new GuardTimingSection(g.Name, g.Position, g.PrepareSeconds, g.ValidateSeconds)).ToList(),
                run.GuardOverhead?.BareSeconds, run.GuardOverhead?.GuardedSeconds),
            new IntegritySection("", "RFC8785-SHA256 of the report without timing and integrity"));
        return WithContentDigest(report);
    }

    private static TokenComparisonWindowsSection ComparisonWindows(IReadOnlyList<Sdk.Metrics.TokenComparisonWindow> windows) => new(
        windows.Select(w => w.Tokens).ToList(), windows.Select(w => w.KlSum).ToList(), windows.Select(w => w.Top1Agreements).ToList(),
        windows.Select(w => w.PerTokenKl).ToList());

    /// <summary>Returns <paramref name="report"/> with <see cref="IntegritySection.ContentSha256"/> recomputed.</summary>
    public static EvaluationReport WithContentDigest(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        string digest = ReportJson.ContentSha256(ReportJson.ToNode(report));
        return report with { Integrity = report.Integrity with { ContentSha256 = digest } };
    }

    private static RuntimeSection Runtime(EvaluationRun run) => new(
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
        RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
        Environment.ProcessorCount,
        InstructionSets(),
        run.Threads,
        run.ComputeBackend);

    private static List<string> InstructionSets()
    {
        var list = new List<string>();
        if (Sse2.IsSupported) list.Add("sse2");
        if (Sse41.IsSupported) list.Add("sse4.1");
        if (Avx.IsSupported) list.Add("avx");
        if (Avx2.IsSupported) list.Add("avx2");
        if (Fma.IsSupported) list.Add("fma");
        if (Avx512F.IsSupported) list.Add("avx512f");
        if (AdvSimd.IsSupported) list.Add("neon");
        return list;
    }

    private static ModelSection Model(ModelFacts m) => new(m.Path, m.Adapter, m.Architecture, m.ParameterCount, m.Layers, m.VocabSize,
        m.WeightsSha256, m.ConfigSha256, m.TokenizerSha256, m.StoredDType);

    private static WindowsSection Windows(WindowPlan plan)
    {
        static WindowArmSection Arm(IReadOnlyList<EvaluationWindow> windows) => new(
            windows.Count,
            windows.Select(w => w.Id).ToList(),
            windows.Select(w => w.StartToken).ToList(),
            windows.Select(w => w.Tokens.Length).ToList(),
            windows.Select(w => w.TokenSha256).ToList());
        WindowArmSection preview = Arm(plan.Preview), final = Arm(plan.Final);
        return new WindowsSection(plan.SequenceLength, plan.Stride, plan.StreamTokens, plan.OverlapFraction, preview, final, plan.Method,
            ReportAnalysis.PlanSha256(plan.SequenceLength, plan.Stride, preview, final), plan.BosTokenId);
    }

    /// <remarks>An aborted run may have scored fewer windows than planned; the lists then stay shorter and pairing reports it.</remarks>
    private static ArmLossesSection Arm(IReadOnlyList<WindowLoss> baseline, IReadOnlyList<WindowLoss> subject)
    {
        return new ArmLossesSection(
            baseline.Select(l => N(l.LossSum)).ToList(), baseline.Select(l => l.TokenCount).ToList(),
            subject.Select(l => N(l.LossSum)).ToList(), subject.Select(l => l.TokenCount).ToList());
    }

    private static GuardSection Guard(GuardRecord g)
    {
        GuardOutcome o = g.Outcome;
        var metrics = new SortedDictionary<string, double?>(StringComparer.Ordinal);
        foreach (var (key, value) in o.Metrics)
        {
            metrics[key] = N(value);
        }

        return new GuardSection(g.Name, g.Position, g.Source, g.Prepared?.Ready, Sanitize(g.Prepared?.Details)?.AsObject(), o.Passed,
            o.Action.ToString().ToLowerInvariant(),
            o.Violations.Select(v => new GuardViolationSection(v.Code, v.Message, v.Module, v.Value is double d ? N(d) : null,
                v.Threshold is double t ? N(t) : null, v.Fatal)).ToList(),
            metrics, Sanitize(o.Details)?.AsObject(), g.Error);
    }

    private static GuardOverheadSection Overhead(GuardOverheadMeasurement m, ReportAnalysis.OverheadStatistics o) => new(m.Method,
        m.BareFinal.Select(l => N(l.LossSum)).ToList(), m.BareFinal.Select(l => l.TokenCount).ToList(),
        m.GuardedFinal.Select(l => N(l.LossSum)).ToList(), m.GuardedFinal.Select(l => l.TokenCount).ToList(), o.BarePerplexity,
        o.GuardedPerplexity, o.Ratio, o.Percent, o.Threshold);

    /// <summary>A stored overhead section with its derived numbers replaced by <paramref name="o"/> (what verify compares).</summary>
    public static GuardOverheadSection WithStatistics(GuardOverheadSection section, ReportAnalysis.OverheadStatistics o)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(o);
        return section with
        {
            BarePerplexity = o.BarePerplexity, GuardedPerplexity = o.GuardedPerplexity, Ratio = o.Ratio, Percent = o.Percent, Threshold = o.Threshold,
        };
    }

    private static double? N(double v) => double.IsFinite(v) ? v : null;

    /// <summary>A deep copy with non-finite numbers replaced by null (JSON has no NaN).</summary>
    internal static JsonNode? Sanitize(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
            {
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = Sanitize(value);
                }

                return copy;
            }

            case JsonArray array:
            {
                var copy = new JsonArray();
                foreach (JsonNode? item in array)
                {
                    copy.Add(Sanitize(item));
                }

                return copy;
            }

            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.Number:
            {
                double d = CanonicalJson.ToDouble(value);
                return double.IsFinite(d) ? JsonValue.Create(d) : null;
            }

            default:
                return node.DeepClone();
        }
    }
}
