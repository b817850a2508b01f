using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using InvarLock.Core.Canonical;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Model;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Verification;

/// <summary><c>invarlock verify</c>: re-checks reports offline. Reads each report through the strict typed model,
/// checks its digests and the runtime manifest beside it, recomputes every statistic and gate from the stored
/// per-window losses and resolved policy (they must match exactly), and, with a baseline report, checks that the
/// windows, tokenizer and baseline weights match.</summary>
public static partial class ReportVerifier
{
    /// <summary>Verifies <paramref name="reportPaths"/>. <paramref name="profile"/>, when given, must equal the profile
    /// each report was produced under (a mismatch is a gate failure). <paramref name="guards"/> (a registry's
    /// <see cref="Plugins.PluginRegistry.GuardPolicies"/>) names the guard gates when they are recomputed; without it a
    /// guard's gate is <c>&lt;name&gt;_pass</c>.</summary>
    public static VerifyResult Verify(IReadOnlyList<string> reportPaths, string? baselinePath, string? profile,
        Plugins.GuardPolicyCatalog? guards = null, SignaturePolicy? signatures = null)
    {
        ArgumentNullException.ThrowIfNull(reportPaths);
        EvaluationReport? baseline = null;
        string? baselineError = null;
        if (baselinePath is not null)
        {
            (baseline, baselineError) = ReadBaseline(baselinePath);
        }

        var results = new List<ReportVerification>(reportPaths.Count);
        foreach (string path in reportPaths)
        {
            results.Add(path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)
                ? VerifyBundle(path, baselinePath is null ? null : (baseline, baselineError), profile, guards, signatures)
                : VerifyOne(path, baseline, baselineError, profile, guards, signatures));
        }

        return new VerifyResult(results, baselinePath);
    }

    /// <summary>Verifies one report (<paramref name="guards"/> as in <see cref="Verify"/>; <paramref name="signatures"/>
    /// says whether a signature from a trusted signer is required, default <see cref="SignaturePolicy.None"/>).</summary>
    public static ReportVerification VerifyOne(string path, EvaluationReport? baseline, string? baselineError, string? profile,
        Plugins.GuardPolicyCatalog? guards = null, SignaturePolicy? signatures = null)
    {
        var checks = new List<VerifyCheck>();
        void Fail(string id, string message) => checks.Add(new VerifyCheck(id, false, VerifyCheck.Malformed, $"{path}: {message}"));
        void Pass(string id, string message) => checks.Add(new VerifyCheck(id, true, VerifyCheck.Malformed, message));
        ReportVerification Done(EvaluationReport? report, ReportAnalysis.Result? computed)
        {
            bool malformed = checks.Any(c => !c.Ok && c.Category == VerifyCheck.Malformed);
            bool gateFailed = checks.Any(c => !c.Ok && c.Category == VerifyCheck.Gate);
            var ci = computed?.Analysis.RatioInterval;
            return new ReportVerification(path, malformed ? "malformed" : gateFailed ? "gate_failed" : "pass", report?.SchemaVersion,
                computed is not null && double.IsFinite(computed.Analysis.Ratio) ? computed.Analysis.Ratio : null,
                ci is { } c ? [c.Lower, c.Upper] : null,
                computed?.Gates.Verdict.FailedGates ?? [], checks) { Report = report };
        }

        // 1. Read the bytes and the JSON tree.
        byte[] bytes;
        JsonObject node;
        try
        {
            (bytes, node) = ReportJson.ReadFile(path);
        }
        catch (InvarLockException e)
        {
            // The same one-line message every command that reads a report gives.
            checks.Add(new VerifyCheck("read", false, VerifyCheck.Malformed, e.Message));
            return Done(null, null);
        }

        Pass("read", "The report is readable JSON.");

        // 2. Schema version, then the strict typed model.
        string? version = (node["schema_version"] as JsonValue)?.TryGetValue(out string? v) == true ? v : null;
        if (version != EvaluationReport.CurrentSchemaVersion)
        {
            Fail("schema_version", $"schema_version is '{version ?? "(missing)"}', expected '{EvaluationReport.CurrentSchemaVersion}'");
            return Done(null, null);
        }

        EvaluationReport report;
        try
        {
            report = JsonSerializer.Deserialize<EvaluationReport>(node, ReportJson.Options) ?? throw new JsonException("null report");
            ValidateShapes(report);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            Fail("schema", $"does not match schema {EvaluationReport.CurrentSchemaVersion} ({OneLine(e.Message)})");
            return Done(null, null);
        }

        Pass("schema", "Every member is known, required members are present and typed.");

        // 3. Content digest.
        string content = ReportJson.ContentSha256(node);
        if (content != report.Integrity.ContentSha256)
        {
            Fail("content_digest", $"integrity.content_sha256 is {report.Integrity.ContentSha256} but the content hashes to {content} (the report was edited)");
        }
        else
        {
            Pass("content_digest", "integrity.content_sha256 matches the report's canonical content.");
        }

        // 3b. Signature beside the report: binds it to whoever holds a trusted signing key.
        CheckSignature(path, node, report.Run.Profile, signatures ?? SignaturePolicy.None, checks);

        // 4. Runtime manifest beside the report.
        CheckManifest(path, bytes, report, checks);

        // 5. Policy digest and gate numbers.
        string policyDigest = CanonicalJson.Sha256Hex(report.Policy.Resolved);
        if (policyDigest != report.Policy.Sha256)
        {
            Fail("policy_digest", $"policy.sha256 is {report.Policy.Sha256} but the resolved policy hashes to {policyDigest}");
        }
        else
        {
            Pass("policy_digest", "policy.sha256 matches the resolved policy.");
        }

        // 6. Window plan and per-window data shape.
        CheckWindows(report, checks, path);

        // 7. Recompute everything derived.
        ReportAnalysis.Result computed;
        try
        {
            computed = ReportAnalysis.Compute(AnalysisInputs.FromReport(report, guards));
        }
        catch (Exception e) when (e is ArgumentException or InvarLockException or InvalidOperationException or FormatException)
        {
            Fail("recompute", $"the statistics cannot be recomputed ({OneLine(e.Message)})");
            return Done(report, null);
        }

        Compare("plan_digest", report.Windows.PlanSha256, ReportAnalysis.PlanSha256(report.Windows));
        Compare("gate_policy", report.Policy.GatePolicy, computed.GatePolicy);
        Compare("policy_identity", new { report.Policy.Tier, report.Policy.Profile, run_tier = report.Run.Tier, run_profile = report.Run.Profile },
            new { computed.Policy.Tier, computed.Policy.Profile, run_tier = computed.Policy.Tier, run_profile = computed.Policy.Profile });
        Compare("primary_metric", report.PrimaryMetric, computed.PrimaryMetric);
        Compare("token_comparison", report.TokenComparison, computed.TokenComparison);
        Compare("tail", report.Tail, computed.Tail);
        Compare("guard_overhead", report.GuardOverhead,
            report.GuardOverhead is null || computed.Overhead is null ? null : ReportBuilder.WithStatistics(report.GuardOverhead, computed.Overhead));
        Compare("gates", report.Gates, computed.Gates.Gates);
        Compare("validation", report.Validation, computed.Gates.Validation);
        Compare("confidence", report.Confidence, computed.Gates.Confidence);
        Compare("verdict", report.Verdict, computed.Gates.Verdict);

        // 8. Baseline report: same windows, tokenizer and baseline weights.
        if (baselineError is not null)
        {
            Fail("baseline", baselineError);
        }
        else if (baseline is not null)
        {
            CheckBaseline(report, baseline, checks, path);
        }

        // 9. Gates: the recomputed verdict and the requested profile.
        if (profile is not null && !string.Equals(profile.Trim(), report.Run.Profile, StringComparison.OrdinalIgnoreCase))
        {
            checks.Add(new VerifyCheck("profile", false, VerifyCheck.Gate,
                $"{path}: the report was produced under profile '{report.Run.Profile}', not '{profile.Trim()}'"));
        }

        if (computed.Gates.Verdict.Passed)
        {
            checks.Add(new VerifyCheck("verdict_gates", true, VerifyCheck.Gate, "Every gating gate passes."));
        }
        else
        {
            checks.Add(new VerifyCheck("verdict_gates", false, VerifyCheck.Gate,
                $"{path}: gates failed: " + string.Join("; ", computed.Gates.Verdict.FailedGates.Zip(computed.Gates.Verdict.Reasons,
                    (id, reason) => $"{id}: {reason}"))));
        }

        return Done(report, computed);

        void Compare<T>(string id, T stored, T recomputed)
        {
            JsonNode? a = JsonSerializer.SerializeToNode(stored, ReportJson.Options);
            JsonNode? b = JsonSerializer.SerializeToNode(recomputed, ReportJson.Options);
            string? difference = JsonDiff.FirstDifference(a, b, id);
            if (difference is null)
            {
                Pass(id, $"{id} matches its recomputation.");
            }
            else
            {
                Fail(id, $"recomputation mismatch at {difference}");
            }
        }
    }

    /// <summary>Verifies an evidence bundle (<see cref="EvidenceBundle"/>): every file against its checksum, then the
    /// bundled report as <see cref="VerifyOne"/> does, against the bundled baseline report unless
    /// <paramref name="givenBaseline"/> (from <c>--baseline</c>) overrides it. Messages name files as
    /// <c>BUNDLE.zip!NAME</c>.</summary>
    public static ReportVerification VerifyBundle(string zipPath, (EvaluationReport? Report, string? Error)? givenBaseline, string? profile,
        Plugins.GuardPolicyCatalog? guards = null, SignaturePolicy? signatures = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(zipPath);
        string directory = Directory.CreateTempSubdirectory("invarlock-evidence-").FullName;
        try
        {
            IReadOnlyList<string> problems;
            try
            {
                problems = EvidenceBundle.Extract(zipPath, directory);
            }
            catch (InvarLockException e)
            {
                return new ReportVerification(zipPath, "malformed", null, null, null, [],
                    [new VerifyCheck("bundle", false, VerifyCheck.Malformed, e.Message)]);
            }
            var checks = new List<VerifyCheck>
            {
                problems.Count == 0
                    ? new VerifyCheck("bundle_checksums", true, VerifyCheck.Malformed, $"Every file in the bundle matches {EvidenceBundle.ChecksumsName}.")
                    : new VerifyCheck("bundle_checksums", false, VerifyCheck.Malformed, $"{zipPath}: " + string.Join("; ", problems)),
            };
            (EvaluationReport? baseline, string? baselineError) = givenBaseline ?? (null, null);
            string bundledBaseline = Path.Combine(directory, EvidenceBundle.BaselineReportName.Replace('/', Path.DirectorySeparatorChar));
            if (givenBaseline is null && File.Exists(bundledBaseline))
            {
                (baseline, baselineError) = ReadBaseline(bundledBaseline);
            }
            string reportPath = Path.Combine(directory, ReportWriter.ReportFileName);
            ReportVerification inner = VerifyOne(reportPath, baseline, baselineError, profile, guards, signatures);
            string prefix = directory + Path.DirectorySeparatorChar;
            foreach (VerifyCheck c in inner.Checks)
            {
                checks.Add(c with { Message = c.Message.Replace(prefix, zipPath + "!", StringComparison.Ordinal) });
            }
            string status = checks.Exists(c => !c.Ok && c.Category == VerifyCheck.Malformed) ? "malformed" : inner.Status;
            return inner with { Path = zipPath, Status = status, Checks = checks };
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static (EvaluationReport? Report, string? Error) ReadBaseline(string baselinePath)
    {
        try
        {
            return (JsonSerializer.Deserialize<EvaluationReport>(ReportJson.ReadFile(baselinePath).Node, ReportJson.Options)
                ?? throw new JsonException("null report"), null);
        }
        catch (InvarLockException e)
        {
            return (null, e.Message);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            return (null, $"{baselinePath}: not a valid evaluation report ({OneLine(e.Message)})");
        }
    }

    private static void CheckSignature(string path, JsonObject node, string profile, SignaturePolicy policy, List<VerifyCheck> checks)
    {
        string signaturePath = Security.ReportSignature.PathFor(path);
        bool required = policy.RequiresSignature(profile);
        if (!File.Exists(signaturePath))
        {
            if (required)
            {
                checks.Add(new VerifyCheck("signature", false, VerifyCheck.Malformed,
                    $"{path}: no signature ({Path.GetFileName(signaturePath)} is missing beside the report); a signature from a trusted signer is required"));
            }
            return;
        }
        Security.ReportSignerIdentity signer;
        try
        {
            byte[] signature = Sdk.IO.InputFile.ReadAllBytes(signaturePath, Security.ReportSignature.MaxSignatureBytes, ErrorCodes.MalformedReport, "report signature");
            signer = Security.ReportSignature.Verify(Security.ReportSignature.CanonicalBytes(node), signature, signaturePath, DateTimeOffset.UtcNow);
        }
        catch (InvarLockException e)
        {
            checks.Add(new VerifyCheck("signature", false, VerifyCheck.Malformed, e.Message));
            return;
        }
        if (required && policy.TrustedSigners.Count == 0)
        {
            checks.Add(new VerifyCheck("signature", false, VerifyCheck.Malformed,
                $"{path}: signed by {signer.Describe()}, but a trusted signer is required and none was given (--trusted-signer FINGERPRINT or --trusted-signers FILE)"));
        }
        else if (policy.TrustedSigners.Count > 0 && !policy.TrustedSigners.Contains(signer.Fingerprint))
        {
            checks.Add(new VerifyCheck("signature", false, VerifyCheck.Malformed,
                $"{path}: signed by {signer.Describe()}, who is not a trusted signer"));
        }
        else
        {
            checks.Add(new VerifyCheck("signature", true, VerifyCheck.Malformed, policy.TrustedSigners.Count > 0
                ? $"Signed by {signer.Describe()}, a trusted signer, at {signer.SigningTime:O}."
                : $"Signed by {signer.Describe()} at {signer.SigningTime:O}; the signer was not checked against a trust list (--trusted-signer)."));
        }
    }

    private static void CheckManifest(string path, byte[] reportBytes, EvaluationReport report, List<VerifyCheck> checks)
    {
        string manifestPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", RuntimeManifest.FileName);
        if (!Path.Exists(manifestPath))
        {
            checks.Add(new VerifyCheck("runtime_manifest", false, VerifyCheck.Malformed,
                $"{path}: {RuntimeManifest.FileName} is missing beside the report"));
            return;
        }

        RuntimeManifest manifest;
        try
        {
            manifest = ReportWriter.ReadManifest(manifestPath);
        }
        catch (InvarLockException e)
        {
            checks.Add(new VerifyCheck("runtime_manifest", false, VerifyCheck.Malformed, e.Message));
            return;
        }
        catch (Exception e) when (e is IOException or JsonException or NotSupportedException)
        {
            checks.Add(new VerifyCheck("runtime_manifest", false, VerifyCheck.Malformed, $"{manifestPath}: malformed ({OneLine(e.Message)})"));
            return;
        }

        string actual = Digests.Sha256Hex(reportBytes);
        if (manifest.ManifestVersion != 1 || manifest.Report.Sha256 != actual)
        {
            checks.Add(new VerifyCheck("runtime_manifest", false, VerifyCheck.Malformed,
                $"{manifestPath}: report.sha256 is {manifest.Report.Sha256} but {Path.GetFileName(path)} hashes to {actual}"));
        }
        else if (manifest.Tool.Version != report.Tool.Version)
        {
            checks.Add(new VerifyCheck("runtime_manifest", false, VerifyCheck.Malformed,
                $"{manifestPath}: tool version {manifest.Tool.Version} differs from the report's {report.Tool.Version}"));
        }
        else
        {
            checks.Add(new VerifyCheck("runtime_manifest", true, VerifyCheck.Malformed, "runtime.manifest.json names this report's SHA-256."));
        }
    }

    private static void CheckWindows(EvaluationReport report, List<VerifyCheck> checks, string path)
    {
        var problems = new List<string>();
        WindowsSection w = report.Windows;
        foreach (var (name, arm, losses) in new[] { ("preview", w.Preview, report.Evaluation.Preview), ("final", w.Final, report.Evaluation.Final) })
        {
            if (arm.Count != arm.WindowIds.Count || arm.Count != arm.StartTokens.Count || arm.Count != arm.TokenCounts.Count
                || arm.Count != arm.TokenSha256.Count)
            {
                problems.Add($"windows.{name}: count {arm.Count} disagrees with its lists");
            }

            if (arm.TokenSha256.Any(h => !Sha256Hex().IsMatch(h)))
            {
                problems.Add($"windows.{name}.token_sha256: an entry is not 64 lower-case hex digits");
            }

            if (arm.TokenCounts.Any(c => c != w.SequenceLength))
            {
                problems.Add($"windows.{name}.token_counts: a window is not {w.SequenceLength} tokens long");
            }

            bool lengthsOk = report.Run.Aborted
                ? losses.BaselineLossSums.Count <= arm.Count && losses.SubjectLossSums.Count <= arm.Count
                : losses.BaselineLossSums.Count == arm.Count && losses.SubjectLossSums.Count == arm.Count;
            if (losses.BaselineLossSums.Count != losses.BaselineTokenCounts.Count || losses.SubjectLossSums.Count != losses.SubjectTokenCounts.Count
                || !lengthsOk)
            {
                problems.Add($"evaluation.{name}: loss lists do not match the {arm.Count} planned windows");
            }
        }

        if (w.SequenceLength != report.Dataset.SequenceLength || w.Stride != report.Dataset.Stride || w.StreamTokens != report.Dataset.StreamTokens)
        {
            problems.Add("windows: sequence length, stride or stream tokens differ from the dataset section");
        }
        if (w.BosTokenId is < 0 || (w.BosTokenId is not null && w.SequenceLength < 2))
        {
            problems.Add($"windows.bos_token_id {w.BosTokenId}: not a token id for windows of {w.SequenceLength} tokens");
        }

        var ids = w.Preview.WindowIds.Concat(w.Final.WindowIds).ToList();
        if (ids.Distinct().Count() != ids.Count)
        {
            problems.Add("windows: a window id appears twice (within or across arms)");
        }

        checks.Add(problems.Count == 0
            ? new VerifyCheck("windows", true, VerifyCheck.Malformed, "The window plan and per-window lists are consistent.")
            : new VerifyCheck("windows", false, VerifyCheck.Malformed, $"{path}: " + string.Join("; ", problems)));
        if (problems.Count == 0)
        {
            string? planProblem = PlanProblem(report);
            checks.Add(planProblem is null
                ? new VerifyCheck("window_plan", true, VerifyCheck.Malformed,
                    "The windows are the ones the plan method spreads over the stream, and the arms are the ones it deals from the baseline's losses.")
                : new VerifyCheck("window_plan", false, VerifyCheck.Malformed, $"{path}: {planProblem}"));
        }
    }

    /// <summary>Recomputes the plan (<see cref="WindowSelection.SpreadIds"/>, then <see cref="ArmBalancer.Assign"/> on the
    /// stored baseline losses) and says how the stored one differs, or null.</summary>
    private static string? PlanProblem(EvaluationReport report)
    {
        WindowsSection w = report.Windows;
        if (w.PlanMethod != ArmBalancer.Method)
        {
            return $"windows.plan_method '{w.PlanMethod}' is not the method this tool recomputes ({ArmBalancer.Method})";
        }
        static List<(long Start, bool Preview, double? Sum, int Count)> Arm(WindowArmSection arm, ArmLossesSection losses, bool preview)
        {
            var list = new List<(long, bool, double?, int)>(arm.Count);
            for (int i = 0; i < arm.Count; i++)
            {
                // An aborted run may hold fewer losses than windows: those windows have no baseline loss.
                list.Add((arm.StartTokens[i], preview, i < losses.BaselineLossSums.Count ? losses.BaselineLossSums[i] : null,
                    i < losses.BaselineTokenCounts.Count ? losses.BaselineTokenCounts[i] : 0));
            }
            return list;
        }
        var merged = WindowPlan.InStreamOrder(w.Preview.WindowIds, Arm(w.Preview, report.Evaluation.Preview, true),
            w.Final.WindowIds, Arm(w.Final, report.Evaluation.Final, false));
        var windows = new List<(int Id, long Start, bool Preview, double? Sum, int Count)>(merged.Count);
        foreach (var (id, v) in merged)
        {
            windows.Add((id, v.Start, v.Preview, v.Sum, v.Count));
        }
        long fit = WindowSelection.WindowsThatFit(w.StreamTokens,
            WindowSelection.TextTokensPerWindow(w.SequenceLength, w.BosTokenId is not null), w.Stride);
        if (fit < windows.Count || windows.Count == 0)
        {
            return $"{windows.Count} windows cannot be chosen from the {fit} that fit {w.StreamTokens} tokens";
        }
        int[] expected = WindowSelection.SpreadIds(fit, windows.Count);
        var losses = new List<WindowLoss>(windows.Count);
        for (int i = 0; i < windows.Count; i++)
        {
            if (windows[i].Id != expected[i])
            {
                return $"window {i} in stream order has id {windows[i].Id}; the plan spreads window {expected[i]} there";
            }
            if (windows[i].Start != (long)windows[i].Id * w.Stride)
            {
                return $"window {windows[i].Id} starts at token {windows[i].Start}, not id × stride = {(long)windows[i].Id * w.Stride}";
            }
            if (windows[i].Sum is not double sum || !double.IsFinite(sum) || windows[i].Count <= 0)
            {
                return $"window {windows[i].Id} has no finite baseline loss, so its arm cannot be recomputed";
            }
            losses.Add(new WindowLoss(sum, windows[i].Count));
        }
        var ids = new int[windows.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = windows[i].Id;
        }
        bool[] preview = ArmBalancer.Assign(ids, losses, w.Preview.Count);
        for (int i = 0; i < preview.Length; i++)
        {
            if (preview[i] != windows[i].Preview)
            {
                return $"window {windows[i].Id} is in the {(windows[i].Preview ? "preview" : "final")} arm; the baseline's losses deal it to the {(preview[i] ? "preview" : "final")} arm";
            }
        }
        return null;
    }

    private static void CheckBaseline(EvaluationReport report, EvaluationReport baseline, List<VerifyCheck> checks, string path)
    {
        var problems = new List<string>();
        if (baseline.Windows.PlanSha256 != report.Windows.PlanSha256)
        {
            problems.Add($"window plans differ (plan {baseline.Windows.PlanSha256[..12]}… vs {report.Windows.PlanSha256[..12]}…)");
        }

        if (baseline.Baseline.TokenizerSha256 != report.Baseline.TokenizerSha256 || baseline.Baseline.TokenizerSha256 != report.Subject.TokenizerSha256)
        {
            problems.Add("tokenizer digests differ");
        }

        if (baseline.Baseline.WeightsSha256 != report.Baseline.WeightsSha256)
        {
            problems.Add("baseline weights digests differ");
        }

        checks.Add(problems.Count == 0
            ? new VerifyCheck("baseline", true, VerifyCheck.Malformed, "Windows, tokenizer and baseline weights match the baseline report.")
            : new VerifyCheck("baseline", false, VerifyCheck.Malformed,
                $"{path}: does not pair with the baseline report ({ErrorCodes.PairingMismatch.Id}): {string.Join("; ", problems)}"));
    }

    /// <summary>Constraints the type system cannot express (enumerations, digest formats).</summary>
    private static void ValidateShapes(EvaluationReport report)
    {
        foreach (string digest in new[] { report.Baseline.WeightsSha256, report.Subject.WeightsSha256, report.Policy.Sha256,
                     report.Windows.PlanSha256, report.Integrity.ContentSha256 })
        {
            if (!Sha256Hex().IsMatch(digest))
            {
                throw new FormatException($"'{digest}' is not a lower-case hex SHA-256");
            }
        }

        foreach (GuardSection g in report.Guards)
        {
            if (g.Action is not ("none" or "warn" or "rollback" or "abort"))
            {
                throw new FormatException($"guard {g.Name}: action '{g.Action}' is not none, warn, rollback or abort");
            }
        }

        if (report.Confidence.Label is not ("High" or "Medium" or "Low"))
        {
            throw new FormatException($"confidence.label '{report.Confidence.Label}' is not High, Medium or Low");
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
