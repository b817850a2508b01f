using InvarLock.Sdk.Metrics;
using System.Text.Json.Nodes;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Plugins;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Model;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Reporting;

/// <summary>Everything <see cref="ReportAnalysis.Compute"/> reads, typed: built from a finished run
/// (<see cref="FromRun"/>) or from a stored report (<see cref="FromReport"/>). Both give the same values — a non-finite
/// loss is NaN either way (the report stores it as null) — so <c>verify</c> recomputes exactly what the run computed.</summary>
internal sealed record AnalysisInputs
{
    public required JsonObject ResolvedPolicy { get; init; }
    public required int Seed { get; init; }
    public required string PrimaryMetricKind { get; init; }
    public required int SequenceLength { get; init; }
    public required int Stride { get; init; }
    public required long StreamTokens { get; init; }
    /// <summary>Window ids of each arm, in the arm's order.</summary>
    public required IReadOnlyList<int> PreviewIds { get; init; }
    public required IReadOnlyList<int> FinalIds { get; init; }
    /// <summary>Tokens per window fed to the model, over both arms.</summary>
    public required long WindowTokens { get; init; }
    public required IReadOnlyList<WindowLoss> BaselinePreview { get; init; }
    public required IReadOnlyList<WindowLoss> BaselineFinal { get; init; }
    public required IReadOnlyList<WindowLoss> SubjectPreview { get; init; }
    public required IReadOnlyList<WindowLoss> SubjectFinal { get; init; }
    public required IReadOnlyList<GuardGateInput> Guards { get; init; }
    /// <summary>The subject's final arm before and after guard actions (ci/release), or null.</summary>
    public (IReadOnlyList<WindowLoss> Bare, IReadOnlyList<WindowLoss> Guarded)? Overhead { get; init; }
    public required bool Aborted { get; init; }
    /// <summary>The final arm's token comparison, per window in arm order; null when none was made.</summary>
    public IReadOnlyList<TokenComparisonWindow>? FinalComparison { get; init; }
    /// <summary>What the guards ship about their policy: the gates take their ids from it.</summary>
    public GuardPolicyCatalog GuardPolicies { get; init; } = GuardPolicyCatalog.Empty;

    /// <summary>The inputs of a finished run; <paramref name="resolvedPolicy"/> is the policy as the report stores it.</summary>
    public static AnalysisInputs FromRun(EvaluationRun run, JsonObject resolvedPolicy)
    {
        ArgumentNullException.ThrowIfNull(run);
        var guards = new List<GuardRecord>(run.Guards);
        guards.Sort((a, b) => a.Position.CompareTo(b.Position));
        var guardInputs = new List<GuardGateInput>(guards.Count);
        foreach (GuardRecord g in guards)
        {
            guardInputs.Add(new GuardGateInput(g.Name, g.Outcome.Passed, g.Outcome.Action, g.Error, g.Outcome.Violations.Count));
        }
        return new AnalysisInputs
        {
            ResolvedPolicy = resolvedPolicy,
            Seed = run.Seed,
            PrimaryMetricKind = run.PrimaryMetric,
            SequenceLength = run.Windows.SequenceLength,
            Stride = run.Windows.Stride,
            StreamTokens = run.Windows.StreamTokens,
            PreviewIds = Ids(run.Windows.Preview),
            FinalIds = Ids(run.Windows.Final),
            WindowTokens = Tokens(run.Windows.Preview) + Tokens(run.Windows.Final),
            BaselinePreview = Canonical(run.BaselinePreview),
            BaselineFinal = Canonical(run.BaselineFinal),
            SubjectPreview = Canonical(run.SubjectPreview),
            SubjectFinal = Canonical(run.SubjectFinal),
            Guards = guardInputs,
            Overhead = run.GuardOverhead is { } o ? (Canonical(o.BareFinal), Canonical(o.GuardedFinal)) : null,
            Aborted = run.Aborted,
            FinalComparison = run.TokenComparison,
            GuardPolicies = run.GuardPolicies,
        };
    }

    /// <summary>The inputs stored in <paramref name="report"/>; <paramref name="guards"/> (a registry's
    /// <see cref="PluginRegistry.GuardPolicies"/>) names the guard gates as the run did (<c>&lt;name&gt;_pass</c> without).</summary>
    /// <exception cref="ArgumentException">A guard action is not one of none, warn, rollback, abort, or a loss list and its
    /// token counts differ in length.</exception>
    public static AnalysisInputs FromReport(EvaluationReport report, GuardPolicyCatalog? guards = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var guardInputs = new List<GuardGateInput>(report.Guards.Count);
        foreach (GuardSection g in report.Guards)
        {
            if (!Enum.TryParse(g.Action, ignoreCase: true, out GuardAction action) || g.Action != g.Action.ToLowerInvariant())
            {
                throw new ArgumentException($"guards[{g.Position}].action '{g.Action}' is not none, warn, rollback or abort");
            }
            guardInputs.Add(new GuardGateInput(g.Name, g.Passed, action, g.Error, g.Violations.Count));
        }
        long tokens = 0;
        foreach (int c in report.Windows.Preview.TokenCounts)
        {
            tokens += c;
        }
        foreach (int c in report.Windows.Final.TokenCounts)
        {
            tokens += c;
        }
        EvaluationSection e = report.Evaluation;
        GuardOverheadSection? o = report.GuardOverhead;
        return new AnalysisInputs
        {
            ResolvedPolicy = report.Policy.Resolved,
            Seed = report.Run.Seed,
            PrimaryMetricKind = report.Run.PrimaryMetricKind,
            SequenceLength = report.Windows.SequenceLength,
            Stride = report.Windows.Stride,
            StreamTokens = report.Windows.StreamTokens,
            PreviewIds = report.Windows.Preview.WindowIds,
            FinalIds = report.Windows.Final.WindowIds,
            WindowTokens = tokens,
            BaselinePreview = Losses(e.Preview.BaselineLossSums, e.Preview.BaselineTokenCounts),
            BaselineFinal = Losses(e.Final.BaselineLossSums, e.Final.BaselineTokenCounts),
            SubjectPreview = Losses(e.Preview.SubjectLossSums, e.Preview.SubjectTokenCounts),
            SubjectFinal = Losses(e.Final.SubjectLossSums, e.Final.SubjectTokenCounts),
            Guards = guardInputs,
            Overhead = o is null ? null : (Losses(o.BareLossSums, o.BareTokenCounts), Losses(o.GuardedLossSums, o.GuardedTokenCounts)),
            Aborted = report.Run.Aborted,
            FinalComparison = e.FinalTokenComparison is { } stored ? Comparison(stored, report.Windows.Final.Count) : null,
            GuardPolicies = guards ?? GuardPolicyCatalog.Empty,
        };
    }

    /// <summary>Per-window losses from stored lists (null = non-finite loss, read back as NaN).</summary>
    public static IReadOnlyList<WindowLoss> Losses(IReadOnlyList<double?> sums, IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(counts);
        if (sums.Count != counts.Count)
        {
            throw new ArgumentException($"{sums.Count} loss sums but {counts.Count} token counts.");
        }
        var list = new WindowLoss[sums.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = new WindowLoss(sums[i] ?? double.NaN, counts[i]);
        }
        return list;
    }

    /// <summary>The stored token comparison as per-window records; every list must have one entry per final window and
    /// each window's per-token list as many values as its token count.</summary>
    /// <exception cref="ArgumentException">The lists disagree in length or hold a non-finite value.</exception>
    public static IReadOnlyList<TokenComparisonWindow> Comparison(TokenComparisonWindowsSection section, int finalWindows)
    {
        ArgumentNullException.ThrowIfNull(section);
        if (section.TokenCounts.Count != finalWindows || section.KlSums.Count != finalWindows || section.Top1Agreements.Count != finalWindows
            || section.PerTokenKl.Count != finalWindows)
        {
            throw new ArgumentException($"evaluation.final_token_comparison does not hold one entry per final window ({finalWindows})");
        }
        var list = new TokenComparisonWindow[finalWindows];
        for (int i = 0; i < finalWindows; i++)
        {
            IReadOnlyList<double> perToken = section.PerTokenKl[i];
            if (perToken.Count != section.TokenCounts[i] || section.Top1Agreements[i] < 0 || section.Top1Agreements[i] > section.TokenCounts[i]
                || !double.IsFinite(section.KlSums[i]))
            {
                throw new ArgumentException($"evaluation.final_token_comparison window {i} is inconsistent");
            }
            foreach (double v in perToken)
            {
                if (!double.IsFinite(v) || v < 0)
                {
                    throw new ArgumentException($"evaluation.final_token_comparison window {i} holds a KL value that is negative or not finite");
                }
            }
            list[i] = new TokenComparisonWindow(section.TokenCounts[i], section.KlSums[i], section.Top1Agreements[i], perToken);
        }
        return list;
    }

    /// <summary>The losses as a report stores them: a non-finite sum becomes NaN (stored as null).</summary>
    private static IReadOnlyList<WindowLoss> Canonical(IReadOnlyList<WindowLoss> losses)
    {
        var list = new WindowLoss[losses.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = double.IsFinite(losses[i].LossSum) ? losses[i] : losses[i] with { LossSum = double.NaN };
        }
        return list;
    }

    private static int[] Ids(IReadOnlyList<EvaluationWindow> windows)
    {
        var ids = new int[windows.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = windows[i].Id;
        }
        return ids;
    }

    private static long Tokens(IReadOnlyList<EvaluationWindow> windows)
    {
        long total = 0;
        foreach (EvaluationWindow w in windows)
        {
            total += w.Tokens.Length;
        }
        return total;
    }
}
