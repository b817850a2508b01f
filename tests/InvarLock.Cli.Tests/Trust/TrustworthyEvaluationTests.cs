using System.IO.Compression;
using System.Text.Json.Nodes;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Trust;

/// <summary>Issue 9's acceptance cases: a bit-identical subject passes at every window count on real prose, windows come
/// from the whole dataset, broken inputs are blamed on the right side before any work, unknown policy keys are errors.</summary>
[Trait("Category", "Slow")]
public sealed class TrustworthyEvaluationTests : IClassFixture<TrustworthyEvaluationTests.Prose>, IDisposable
{
    /// <summary>English prose Debian ships (package debian-faq, installed by test.sh).</summary>
    public const string DebianFaq = "/usr/share/doc/debian/FAQ/debian-faq.en.txt.gz";

    /// <summary>Gates that say the run is too small for the profile's floors, not that the subject differs.</summary>
    private static readonly string[] Floors = ["bootstrap_coverage", "token_floor"];

    private readonly TempFolder _temp = new("invarlock-trust");
    private readonly Prose _prose;

    public TrustworthyEvaluationTests(Prose prose) => _prose = prose;

    public void Dispose() => _temp.Dispose();

    /// <summary>The FAQ decompressed once, and a tiny GPT-2 whose embeddings are scaled up so its per-window losses
    /// depend strongly on the text (the head-of-stream plan this replaces left such models' arms unbalanced).</summary>
    public sealed class Prose : IDisposable
    {
        private readonly TempFolder _folder = new("invarlock-prose");

        public Prose()
        {
            if (!File.Exists(DebianFaq))
            {
                throw new InvalidOperationException($"{DebianFaq} is missing: run `bash test.sh` (it installs debian-faq)");
            }
            TextPath = _folder.Combine("debian-faq.txt");
            using (var gz = new GZipStream(File.OpenRead(DebianFaq), CompressionMode.Decompress))
            using (FileStream target = File.Create(TextPath))
            {
                gz.CopyTo(target);
            }
            string tiny = CheckpointFactory.CreateTiny(_folder.Path, "tiny");
            Baseline = CheckpointFactory.ScaleWeights(tiny, _folder.Path, "baseline", 4f, name => name == "transformer.wte.weight");
            Subject = CheckpointFactory.CopyBitIdentical(Baseline, _folder.Path, "subject");
        }

        public string TextPath { get; }
        public string Baseline { get; }
        public string Subject { get; }

        public void Dispose() => _folder.Dispose();
    }

    private static JsonObject ReadReport(string outDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();

    public static TheoryData<string, int> ProfilesAndCounts()
    {
        var data = new TheoryData<string, int>();
        foreach (string profile in new[] { "dev", "ci_cpu", "ci" })
        {
            foreach (int n in new[] { 4, 8, 16, 24, 32, 100, 200 })
            {
                data.Add(profile, n);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ProfilesAndCounts))]
    public void Evaluate_BitIdenticalSubjectOnRealProse_PassesEveryGateButFloors(string profile, int windowsPerArm)
    {
        string outDir = _temp.Combine($"out-{profile}-{windowsPerArm}");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--baseline", _prose.Baseline, "--subject", _prose.Subject,
            "--dataset", "local_text", "--dataset-path", _prose.TextPath, "--seq-len", "32",
            "--preview-n", windowsPerArm.ToString(), "--final-n", windowsPerArm.ToString(), "--profile", profile, "--out", outDir]);

        Assert.True(exit is 0 or 1, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = ReadReport(outDir);
        foreach (JsonNode? gate in report["gates"]!.AsArray())
        {
            string id = gate!["id"]!.GetValue<string>();
            if (!Floors.Contains(id))
            {
                Assert.True(gate["passed"]!.GetValue<bool>(), $"{profile} {windowsPerArm}: gate {id} failed: {gate["reason"]}");
            }
        }
        foreach (string failed in report["verdict"]!["failed_gates"]!.AsArray().Select(g => g!.GetValue<string>()))
        {
            Assert.Contains(failed, Floors);
        }
        JsonNode drift = report["primary_metric"]!["drift"]!;
        Assert.Equal(drift["baseline"]!.GetValue<double>(), drift["subject"]!.GetValue<double>());
        Assert.InRange(drift["baseline"]!.GetValue<double>(), 0.99, 1.01);
        Assert.Equal(1.0, report["primary_metric"]!["ratio"]!.GetValue<double>());
    }

    [Fact]
    public void Evaluate_RealProse_WindowsReachTheEndOfTheDataset()
    {
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--baseline", _prose.Baseline, "--subject", _prose.Subject,
            "--dataset", "local_text", "--dataset-path", _prose.TextPath, "--seq-len", "32", "--preview-n", "16", "--final-n", "16",
            "--out", outDir]);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject w = ReadReport(outDir)["windows"]!.AsObject();
        long stream = w["stream_tokens"]!.GetValue<long>();
        long[] starts = [.. w["preview"]!["start_tokens"]!.AsArray().Concat(w["final"]!["start_tokens"]!.AsArray()).Select(s => s!.GetValue<long>())];
        Assert.True(starts.Max() > stream * 0.9, $"last window starts at {starts.Max()} of {stream} tokens");
        Assert.True(starts.Min() < stream * 0.1);
        Assert.Equal("spread+baseline-balanced/v1", w["plan_method"]!.GetValue<string>());
        var (vexit, vout, _) = CliRun.Invoke(["verify", Path.Combine(outDir, "evaluation.report.json")]);
        Assert.True(vexit == 0, vout);
    }

    [Fact]
    public void Verify_ArmsSwappedInReport_FailsTheWindowPlanCheck()
    {
        // A report whose arms are not the ones the baseline's losses deal is refused by the window-plan check (other
        // recomputations fail too; this one says why).
        string outDir = _temp.Combine("out");
        var (exit, _, stderr) = CliRun.Invoke(["evaluate", "--baseline", _prose.Baseline, "--subject", _prose.Subject,
            "--dataset", "local_text", "--dataset-path", _prose.TextPath, "--seq-len", "32", "--preview-n", "4", "--final-n", "4",
            "--out", outDir]);
        Assert.True(exit == 0, stderr);
        string path = Path.Combine(outDir, "evaluation.report.json");
        JsonObject report = ReadReport(outDir);
        JsonObject p = report["windows"]!["preview"]!.AsObject(), f = report["windows"]!["final"]!.AsObject();
        (report["windows"]!.AsObject()["preview"], report["windows"]!.AsObject()["final"]) = (f.DeepClone(), p.DeepClone());
        JsonObject ep = report["evaluation"]!["preview"]!.AsObject(), ef = report["evaluation"]!["final"]!.AsObject();
        (report["evaluation"]!.AsObject()["preview"], report["evaluation"]!.AsObject()["final"]) = (ef.DeepClone(), ep.DeepClone());
        File.WriteAllText(path, report.ToJsonString());

        var (vexit, vout, verr) = CliRun.Invoke(["verify", path]);

        Assert.Equal(2, vexit);
        Assert.Contains("window_plan: ", vout + verr);
        Assert.Contains("the baseline's losses deal it to the", vout + verr);
    }

    [Fact]
    public void Evaluate_NaNBaseline_ExitsTwoBlamingTheBaseline()
    {
        string baseline = CheckpointFactory.InjectNaN(_prose.Baseline, _temp.Path, "nan-baseline");
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--baseline", baseline, "--subject", _prose.Subject,
            "--seq-len", "32", "--preview-n", "4", "--final-n", "4", "--out", outDir]);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error IL2009", line);
        Assert.Contains(baseline, line);
        Assert.Contains("baseline", line);
        Assert.DoesNotContain("restored", stdout + stderr);
        Assert.False(File.Exists(Path.Combine(outDir, "evaluation.report.json")));
    }

    [Fact]
    public void Evaluate_SubjectTypo_ReportedBeforeTheBaselineIsRead()
    {
        // The baseline's weights are truncated: if the baseline were loaded first, that would be the error. The subject typo
        // must be found first, naming the subject side.
        string baseline = CheckpointFactory.TruncateSafetensors(_prose.Baseline, _temp.Path, "truncated-baseline");
        string typo = _temp.Combine("subjcet");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--baseline", baseline, "--subject", typo, "--seq-len", "32",
            "--preview-n", "4", "--final-n", "4", "--out", _temp.Combine("out")]);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error IL2001", line);
        Assert.Contains(typo, line);
        Assert.Contains("subject folder", line);
    }

    public static TheoryData<string, string> UnknownPolicyKeys => new()
    {
        { "guards.spectral.max_cap=3", "guards.spectral.max_cap: unknown key; valid keys under guards.spectral:" },
        { "metrics.pm_ratio.ratio_limit=1.2", "metrics.pm_ratio.ratio_limit: unknown key; valid keys under metrics.pm_ratio: hysteresis_ratio, min_token_fraction, min_tokens, min_tokens_tolerance, ratio_limit_base" },
        { "metrics.drift_band.min=0.9", "metrics.drift_band: unknown key; valid keys under metrics:" },
        { "guards.spectrl.max_caps=3", "guards.spectrl: no such guard" },
    };

    [Theory]
    [MemberData(nameof(UnknownPolicyKeys))]
    public void Evaluate_UnknownPolicyKey_ExitsTwoListingValidKeysBeforeLoadingModels(string assignment, string message)
    {
        // A broken baseline shows the policy is checked before any model is read.
        string baseline = CheckpointFactory.TruncateSafetensors(_prose.Baseline, _temp.Path, "truncated");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--baseline", baseline, "--subject", _prose.Subject,
            "--policy", assignment, "--out", _temp.Combine("out")]);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error IL1002", line);
        Assert.Contains(message, line);
    }

    [Fact]
    public void Evaluate_PresetWithUnknownSection_ExitsTwoNamingThePresetAndValidKeys()
    {
        string preset = _temp.Combine("preset.yaml");
        File.WriteAllText(preset, "dataset:\n  name: wikitext2\nguards:\n  spectral:\n    max_caps: 3\n");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--baseline", _prose.Baseline, "--subject", _prose.Subject,
            "--preset", preset, "--out", _temp.Combine("out")]);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error IL1002", line);
        Assert.Contains(preset, line);
        Assert.Contains("unknown key 'dataset'; valid keys: guard_order, guards, metrics", line);
    }

    [Fact]
    public void Evaluate_Edit_WritesTheGradedCheckpointAndReEvaluatingItGivesTheSameVerdict()
    {
        // The verdict of an --edit run is about a checkpoint on disk: the run writes it, the report carries its digest, and
        // evaluating that folder as a brought subject reproduces the subject's losses exactly.
        string outDir = _temp.Combine("edit");
        string[] plan = ["--dataset", "local_text", "--dataset-path", _prose.TextPath, "--seq-len", "32", "--preview-n", "8", "--final-n", "8"];
        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--baseline", _prose.Baseline, "--edit", "quant_rtn", .. plan, "--out", outDir]);
        Assert.True(exit is 0 or 1, $"exit {exit}\n{stdout}\n{stderr}");
        string written = Path.Combine(outDir, "invarlock-subject");
        JsonObject report = ReadReport(outDir);
        JsonNode checkpoint = report["edit"]!["checkpoint"]!;
        Assert.Equal(written, checkpoint["path"]!.GetValue<string>());
        Assert.Equal(written, report["subject"]!["path"]!.GetValue<string>());
        Assert.Equal(report["subject"]!["weights_sha256"]!.GetValue<string>(), checkpoint["weights_sha256"]!.GetValue<string>());
        Assert.Contains("model.safetensors", checkpoint["files"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Contains($"The verdict is about the checkpoint this run wrote to {written}", stdout);
        Assert.Contains(written, File.ReadAllText(Path.Combine(outDir, "evaluation.report.md")));
        var (_, explained, _) = CliRun.Invoke(["explain", Path.Combine(outDir, "evaluation.report.json")]);
        Assert.Contains($"The verdict is about the checkpoint this run wrote to {written}", explained);

        string again = _temp.Combine("again");
        var (exit2, stdout2, stderr2) = CliRun.Invoke(["evaluate", "--baseline", _prose.Baseline, "--subject", written, .. plan, "--out", again]);
        Assert.True(exit2 is 0 or 1, $"exit {exit2}\n{stdout2}\n{stderr2}");
        JsonObject report2 = ReadReport(again);
        Assert.Equal(report["subject"]!["weights_sha256"]!.GetValue<string>(), report2["subject"]!["weights_sha256"]!.GetValue<string>());
        Assert.Equal(report["evaluation"]!.ToJsonString(), report2["evaluation"]!.ToJsonString());
        Assert.Equal(report["primary_metric"]!["ratio"]!.GetValue<double>(), report2["primary_metric"]!["ratio"]!.GetValue<double>());
    }

    [Fact]
    public void Evaluate_RemoteCodeSubject_RefusedBeforeLoadingUnlessTheInjectedEnvironmentAllowsIt()
    {
        // The decision uses the run's (injected) environment, not the process's, and names the side.
        string subject = CheckpointFactory.CopyBitIdentical(_prose.Baseline, _temp.Path, "remote-subject");
        File.WriteAllText(Path.Combine(subject, "tokenizer_config.json"), "{\"auto_map\": {\"AutoTokenizer\": [\"tok.Custom\", null]}}");
        string truncated = CheckpointFactory.TruncateSafetensors(_prose.Baseline, _temp.Path, "truncated-for-remote");
        string[] args = ["evaluate", "--subject", subject, "--seq-len", "32", "--preview-n", "4", "--final-n", "4"];

        var refused = CliRun.Invoke([.. args, "--baseline", truncated, "--out", _temp.Combine("refused")]);
        Assert.Equal(2, refused.Exit);
        string line = Assert.Single(refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error IL7001", line);
        Assert.Contains(Path.Combine(subject, "tokenizer_config.json") + ": auto_map asks for custom code; the subject folder is refused", line);

        var allowed = CliRun.Invoke(new Dictionary<string, string?> { ["INVARLOCK_ALLOW_REMOTE_CODE"] = "1" },
            [.. args, "--baseline", _prose.Baseline, "--out", _temp.Combine("allowed")]);
        Assert.True(allowed.Exit == 0, allowed.Out + allowed.Error);
    }
}
