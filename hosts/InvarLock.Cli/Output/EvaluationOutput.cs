using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;
using System.Security.Cryptography.X509Certificates;
using InvarLock.Core.Security;
using InvarLock.Sdk.IO;
using InvarLock.Core;

namespace InvarLock.Cli;

/// <summary>Writes a finished evaluation's report files and shows its verdict (core decided the exit code).</summary>
internal static class EvaluationOutput
{
    public static int Write(EvaluationOutcome outcome, OutputFolder bundle, CliConsole console, bool asJson, string? configPath,
        IReadOnlyDictionary<string, string?> environment, X509Certificate2? signer = null, bool staged = false)
    {
        EvaluationReport report = outcome.Report;
        // Every file goes into the staging folder (a sandboxed worker already wrote them there, and they were validated);
        // Commit moves the finished bundle into --out (report last).
        if (!staged)
        {
            WriteFiles(report, bundle.StagingDirectory, configPath, environment);
        }
        ReportSignerIdentity? signedBy = signer is null ? null : SignStagedReport(bundle, signer);
        bundle.Commit();
        string reportPath = bundle.FinalPath(ReportWriter.ReportFileName);
        int exit = outcome.ExitCode;
        string status = exit switch { ExitCodes.Success => "PASS", ExitCodes.Aborted => "ABORTED", _ => "FAIL" };
        PrimaryMetricSection pm = report.PrimaryMetric;

        if (asJson)
        {
            var envelope = new JsonObject
            {
                ["format"] = "evaluate-v1",
                ["verdict"] = status,
                ["exit_code"] = exit,
                ["report"] = reportPath,
                ["ratio"] = pm.Ratio,
                ["ratio_ci"] = pm.DisplayCi is null ? null : new JsonArray(pm.DisplayCi.Lower, pm.DisplayCi.Upper),
                ["baseline_ppl"] = pm.Baseline.Final.Perplexity,
                ["subject_ppl"] = pm.Subject.Final.Perplexity,
                ["kl_mean"] = report.TokenComparison?.Kl.Mean,
                ["kl_ci"] = report.TokenComparison?.Kl.Ci is { } klCi ? new JsonArray(klCi.Lower, klCi.Upper) : null,
                ["kl_p99"] = report.TokenComparison?.Kl.P99,
                ["top1_agreement"] = report.TokenComparison?.Top1.Agreement,
                ["subject_checkpoint"] = report.Edit?.Checkpoint?.Path,
                ["failed_gates"] = new JsonArray([.. report.Verdict.FailedGates.Select(g => (JsonNode?)JsonValue.Create(g))]),
                ["reasons"] = new JsonArray([.. report.Verdict.Reasons.Select(r => (JsonNode?)JsonValue.Create(r))]),
                ["warnings"] = new JsonArray([.. report.Verdict.Warnings.Select(r => (JsonNode?)JsonValue.Create(r))]),
                ["signature"] = signedBy is null ? null : ReportSignature.PathFor(reportPath),
                ["signer"] = signedBy?.Fingerprint,
            };
            console.Out.WriteLine(envelope.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            return exit;
        }

        TextWriter o = console.Out;
        o.WriteLine($"InvarLock {report.Tool.Version} — {report.Policy.Tier} tier, {report.Policy.Profile} profile, {report.Dataset.Provider} data, " +
            $"{report.Windows.Preview.Count}+{report.Windows.Final.Count} windows of {report.Dataset.SequenceLength} tokens");
        o.WriteLine($"  baseline  {report.Baseline.Path}");
        o.WriteLine($"  subject   {report.Subject.Path}");
        o.WriteLine($"  ppl (final arm)  baseline {Fmt(pm.Baseline.Final.Perplexity)}  subject {Fmt(pm.Subject.Final.Perplexity)}  " +
            $"ratio {Fmt(pm.Ratio)}" + (pm.DisplayCi is null ? "" : $"  CI [{Fmt(pm.DisplayCi.Lower)}, {Fmt(pm.DisplayCi.Upper)}]"));
        if (report.TokenComparison is { } tc)
        {
            o.WriteLine($"  KL (final arm)   mean {Fmt6(tc.Kl.Mean)}" + (tc.Kl.Ci is { } k ? $"  CI [{Fmt6(k.Lower)}, {Fmt6(k.Upper)}]" : "")
                + $"  p99 {Fmt6(tc.Kl.P99)}  max {Fmt6(tc.Kl.Max)}  top-1 agreement {(tc.Top1.Agreement is double a ? (a * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "n/a")}");
        }
        o.WriteLine($"  drift (final/preview)  baseline {Fmt(pm.Drift.Baseline)}  subject {Fmt(pm.Drift.Subject)}  band [{Fmt(pm.Drift.BandMin)}, {Fmt(pm.Drift.BandMax)}]");
        foreach (GuardSection g in report.Guards)
        {
            o.WriteLine($"  guard {g.Name,-11} {(g.Passed ? "pass" : "FAIL"),-4}  action {g.Action}" +
                (g.Violations.Count > 0 ? $"  ({g.Violations.Count} finding{(g.Violations.Count == 1 ? "" : "s")}: {g.Violations[0].Message})" : "") +
                (g.Error is null ? "" : $"  error: {g.Error}"));
        }
        foreach (string w in report.Verdict.Warnings)
        {
            o.WriteLine($"  warning: {w}");
        }
        foreach (string r in report.Verdict.Reasons)
        {
            o.WriteLine($"  failed: {r}");
        }
        if (report.Run.RolledBack)
        {
            o.WriteLine(report.Edit is null
                ? "  a guard asked for rollback: the run fails (the brought subject was graded as it is on disk)"
                : "  a guard asked for rollback: the edit was undone and the run fails");
        }
        o.WriteLine($"  {ReportFacts.GradedModel(report)}");
        o.WriteLine($"Verdict: {status} (exit {exit})");
        o.WriteLine($"Report: {reportPath}");
        if (signedBy is not null)
        {
            o.WriteLine($"Signed: {ReportSignature.PathFor(reportPath)} by {signedBy.Describe()}");
        }
        return exit;
    }

    /// <summary>Writes the report, its Markdown summary and the runtime manifest into <paramref name="staging"/>.</summary>
    public static void WriteFiles(EvaluationReport report, string staging, string? configPath, IReadOnlyDictionary<string, string?> environment) =>
        ReportWriter.Write(report, staging, new ReportWriteOptions(
            ConfigPath: configPath,
            AllowNetwork: EnvironmentFlags.IsSet(environment, "INVARLOCK_ALLOW_NETWORK"),
            AllowRemoteCode: EnvironmentFlags.IsSet(environment, "INVARLOCK_ALLOW_REMOTE_CODE"),
            AllowThirdPartyPlugins: EnvironmentFlags.IsSet(environment, "INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS")));

    /// <summary>Writes the detached signature of the staged report beside it (committed with the bundle).</summary>
    private static ReportSignerIdentity SignStagedReport(OutputFolder bundle, X509Certificate2 signer)
    {
        string staged = Path.Combine(bundle.StagingDirectory, ReportWriter.ReportFileName);
        byte[] canonical = ReportSignature.CanonicalBytes(ReportJson.ReadFile(staged).Node);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] signature = ReportSignature.Sign(canonical, signer, now);
        AtomicFile.WriteAllBytes(ReportSignature.PathFor(staged), signature);
        return ReportSignature.Verify(canonical, signature, ReportSignature.PathFor(staged), now);
    }

    private static string Fmt6(double? value) => value is double d ? d.ToString("G6", CultureInfo.InvariantCulture) : "n/a";

    private static string Fmt(double? value) =>
        value is double d ? d.ToString(Math.Abs(d) >= 100 ? "F2" : "F4", CultureInfo.InvariantCulture) : "n/a";
}
