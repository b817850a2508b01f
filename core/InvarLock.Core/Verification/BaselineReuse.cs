using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Model;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Verification;

/// <summary>A prior report whose baseline windows and per-window losses a run reuses instead of recomputing them,
/// after checking that the baseline weights, the tokenizer and the window plan all match.</summary>
public sealed class BaselineReuse : IReusedBaseline
{
    private BaselineReuse(string path, EvaluationReport report)
    {
        Path = path;
        Report = report;
    }

    public string Path { get; }

    public EvaluationReport Report { get; }

    /// <summary>Reads and verifies the report (a malformed or tampered report is refused); <paramref name="guards"/>
    /// names the guard gates as in <see cref="Verification.ReportVerifier.Verify"/>.</summary>
    public static BaselineReuse Load(string path, Plugins.GuardPolicyCatalog? guards = null)
    {
        string full = System.IO.Path.GetFullPath(path);
        // One read: verification reads it boundedly (duplicate keys refused, the same error as verify/explain/report),
        // recomputes it, and hands back the typed report.
        InputFile.RequireRegular(full, ErrorCodes.MalformedReport, "report file");
        ReportVerification check = ReportVerifier.VerifyOne(full, null, null, null, guards);
        VerifyCheck? first = null;
        foreach (VerifyCheck c in check.Checks)
        {
            if (!c.Ok && c.Category == VerifyCheck.Malformed)
            {
                first = c;
                break;
            }
        }
        if (first is { Id: "read" })
        {
            throw new InvarLockException(ErrorCodes.MalformedReport, first.Message);
        }
        if (first is not null || check.Report is null)
        {
            throw new InvarLockException(ErrorCodes.MalformedReport,
                $"{full}: baseline report fails verification ({first?.Id}: {first?.Message})");
        }
        return new BaselineReuse(full, check.Report);
    }

    /// <summary>Fails unless the loaded baseline model is the one the report measured.</summary>
    public void CheckModel(ModelFacts baseline)
    {
        if (baseline.WeightsSha256 != Report.Baseline.WeightsSha256)
        {
            throw Mismatch("baseline weights digest", Report.Baseline.WeightsSha256, baseline.WeightsSha256);
        }
        if (baseline.TokenizerSha256 != Report.Baseline.TokenizerSha256)
        {
            throw Mismatch("tokenizer digest", Report.Baseline.TokenizerSha256, baseline.TokenizerSha256);
        }
    }

    /// <summary>Fails unless <paramref name="plan"/> has the report's windows (ids, starts and token hashes, both arms).</summary>
    public void CheckPlan(WindowPlan plan)
    {
        WindowsSection w = Report.Windows;
        if (w.SequenceLength != plan.SequenceLength || w.Stride != plan.Stride)
        {
            throw Mismatch("window plan (sequence length/stride)", $"{w.SequenceLength}/{w.Stride}", $"{plan.SequenceLength}/{plan.Stride}");
        }
        CheckArm("preview", w.Preview, plan.Preview);
        CheckArm("final", w.Final, plan.Final);
    }

    /// <summary>Fails unless <paramref name="selection"/> chose the report's windows (ids and token hashes, both arms together).</summary>
    public void CheckSelection(WindowSelection selection)
    {
        WindowsSection w = Report.Windows;
        if (w.SequenceLength != selection.SequenceLength || w.Stride != selection.Stride)
        {
            throw Mismatch("window plan (sequence length/stride)", $"{w.SequenceLength}/{w.Stride}", $"{selection.SequenceLength}/{selection.Stride}");
        }
        var reported = WindowPlan.InStreamOrder(w.Preview.WindowIds, w.Preview.TokenSha256, w.Final.WindowIds, w.Final.TokenSha256);
        if (reported.Count != selection.Windows.Count)
        {
            throw Mismatch("window plan (window count)", reported.Count.ToString(), selection.Windows.Count.ToString());
        }
        for (int i = 0; i < reported.Count; i++)
        {
            EvaluationWindow now = selection.Windows[i];
            if (reported[i].Id != now.Id || reported[i].Value != now.TokenSha256)
            {
                throw Mismatch($"window plan (window {i}: id/token hash)", $"{reported[i].Id}/{reported[i].Value[..12]}", $"{now.Id}/{now.TokenSha256[..12]}");
            }
        }
    }

    /// <summary>The report's baseline losses for every window, in stream (id) order.</summary>
    public IReadOnlyList<WindowLoss> LossesInStreamOrder()
    {
        ArmLossesSection p = Report.Evaluation.Preview, f = Report.Evaluation.Final;
        var merged = WindowPlan.InStreamOrder(Report.Windows.Preview.WindowIds, AnalysisInputs.Losses(p.BaselineLossSums, p.BaselineTokenCounts),
            Report.Windows.Final.WindowIds, AnalysisInputs.Losses(f.BaselineLossSums, f.BaselineTokenCounts));
        var list = new WindowLoss[merged.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = merged[i].Value;
        }
        return list;
    }

    private void CheckArm(string name, WindowArmSection expected, IReadOnlyList<EvaluationWindow> actual)
    {
        if (expected.Count != actual.Count)
        {
            throw Mismatch($"window plan ({name} window count)", expected.Count.ToString(), actual.Count.ToString());
        }
        for (int i = 0; i < actual.Count; i++)
        {
            if (expected.WindowIds[i] != actual[i].Id || expected.TokenSha256[i] != actual[i].TokenSha256)
            {
                throw Mismatch($"window plan ({name} window {i}: id/token hash)", $"{expected.WindowIds[i]}/{expected.TokenSha256[i][..12]}",
                    $"{actual[i].Id}/{actual[i].TokenSha256[..12]}");
            }
        }
    }

    private InvarLockException Mismatch(string what, string inReport, string now) =>
        new(ErrorCodes.PairingMismatch, $"{Path}: {what} differs from this run (report {inReport}, now {now}); cannot reuse its baseline");
}
