using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Evaluate;

/// <summary>End to end through the CLI on generated GPT-2 checkpoints: the acceptance cases of the foundation issue.</summary>
[Trait("Category", "Slow")]
public sealed class EvaluateCommandTests : IDisposable
{
    /// <summary>A small plan keeps each run to seconds: 8 + 8 windows of 32 tokens.</summary>
    private static readonly string[] SmallPlan = ["--seq-len", "32", "--preview-n", "8", "--final-n", "8"];

    private readonly TempFolder _temp = new("invarlock-cli-eval");

    public void Dispose() => _temp.Dispose();

    private (int Exit, string Out, string Error) Evaluate(params string[] args) =>
        CliRun.Invoke(["evaluate", .. SmallPlan, .. args]);

    private static JsonObject ReadReport(string outDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();

    [Fact]
    public void Evaluate_BitIdenticalCopy_RatioExactlyOneAndPasses()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string subject = CheckpointFactory.CopyBitIdentical(baseline, _temp.Path, "subject");
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = Evaluate("--baseline", baseline, "--subject", subject, "--out", outDir);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = ReadReport(outDir);
        JsonNode pm = report["primary_metric"]!;
        Assert.Equal(1.0, pm["ratio"]!.GetValue<double>());
        Assert.Equal(1.0, pm["display_ci"]!["lower"]!.GetValue<double>());
        Assert.Equal(1.0, pm["display_ci"]!["upper"]!.GetValue<double>());
        Assert.True(report["verdict"]!["passed"]!.GetValue<bool>());
        Assert.Contains("Verdict: PASS", stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "evaluation.report.md")));
        Assert.True(File.Exists(Path.Combine(outDir, "runtime.manifest.json")));
    }

    [Fact]
    public void Evaluate_WeightsScaledByThree_ExitsOne()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string subject = CheckpointFactory.ScaleWeights(baseline, _temp.Path, "scaled", 3f);

        var (exit, stdout, stderr) = Evaluate("--baseline", baseline, "--subject", subject, "--out", _temp.Combine("out"));

        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("Verdict: FAIL", stdout);
        Assert.False(ReadReport(_temp.Combine("out"))["verdict"]!["passed"]!.GetValue<bool>());
    }

    [Fact]
    public void Evaluate_NaNWeight_FailsInvariantsGuard()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string subject = CheckpointFactory.InjectNaN(baseline, _temp.Path, "nan");

        var (exit, stdout, stderr) = Evaluate("--baseline", baseline, "--subject", subject, "--out", _temp.Combine("out"));

        Assert.True(exit is 1 or 3, $"exit {exit}\n{stdout}\n{stderr}");
        JsonArray guards = ReadReport(_temp.Combine("out"))["guards"]!.AsArray();
        JsonNode invariants = guards.First(g => g!["name"]!.GetValue<string>() == "invariants")!;
        Assert.False(invariants["passed"]!.GetValue<bool>());
    }

    [Fact]
    public void Evaluate_QuantRtnEdit_WritesReportWithEditSection()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = Evaluate("--baseline", baseline, "--edit", "quant_rtn", "--out", outDir);

        Assert.True(exit is 0 or 1 or 3, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = ReadReport(outDir);
        Assert.Equal("quant_rtn", report["edit"]!["name"]!.GetValue<string>());
        Assert.NotEqual(report["baseline"]!["weights_sha256"]!.GetValue<string>(), report["subject"]!["weights_sha256"]!.GetValue<string>());
    }

    public static TheoryData<string> BrokenCheckpoints => ["truncated", "corrupt-header", "config-not-json", "no-tokenizer"];

    [Theory]
    [MemberData(nameof(BrokenCheckpoints))]
    public void Evaluate_BrokenSubject_ExitsTwoWithOneLineNamingTheFile(string kind)
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        (string subject, string file) = kind switch
        {
            "truncated" => (CheckpointFactory.TruncateSafetensors(baseline, _temp.Path, kind), "model.safetensors"),
            "corrupt-header" => (CheckpointFactory.CorruptHeader(baseline, _temp.Path, kind), "model.safetensors"),
            "config-not-json" => (CheckpointFactory.BreakConfigJson(baseline, _temp.Path, kind), "config.json"),
            _ => (CheckpointFactory.RemoveTokenizerFiles(baseline, _temp.Path, kind), kind),
        };
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = Evaluate("--baseline", baseline, "--subject", subject, "--out", outDir);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error IL", line);
        Assert.Contains(Path.Combine(subject, file).Replace(Path.Combine(subject, kind), subject), line);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(Path.Combine(outDir, "evaluation.report.json")));
    }

    [Fact]
    public void Evaluate_DatasetTooShort_ExitsTwoNamingTheFileAndHowManyWindowsFit()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string data = _temp.Combine("short.txt");
        File.WriteAllText(data, "Only a few words of text here.");

        var (exit, stdout, stderr) = Evaluate("--baseline", baseline, "--edit", "noop", "--dataset", "local_text",
            "--dataset-path", data, "--out", _temp.Combine("out"));

        Assert.True(exit == 2, $"exit {exit}\n{stdout}\n{stderr}");
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(data, line);
        Assert.Contains("fit 0 windows", line);
    }

    [Fact]
    public void Evaluate_LocalTextDataset_UsesTheFile()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string data = _temp.Combine("corpus.txt");
        File.WriteAllText(data, string.Concat(Enumerable.Repeat("The river carried old stone bridges through the northern city. ", 200)));
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = Evaluate("--baseline", baseline, "--edit", "noop", "--dataset", "local_text",
            "--dataset-path", data, "--out", outDir);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = ReadReport(outDir);
        Assert.Equal("local_text", report["dataset"]!["provider"]!.GetValue<string>());
    }

    [Fact]
    public void Evaluate_TwoRunsSameInputs_ReportsDifferOnlyInTimeFields()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string subject = CheckpointFactory.ScaleWeights(baseline, _temp.Path, "subject", 1.01f);
        string outA = _temp.Combine("a"), outB = _temp.Combine("b");

        Evaluate("--baseline", baseline, "--subject", subject, "--out", outA);
        Evaluate("--baseline", baseline, "--subject", subject, "--out", outB);

        JsonObject a = ReadReport(outA), b = ReadReport(outB);
        Assert.Equal(a["integrity"]!["content_sha256"]!.GetValue<string>(), b["integrity"]!["content_sha256"]!.GetValue<string>());
        a.Remove("timing");
        b.Remove("timing");
        a.Remove("integrity");
        b.Remove("integrity");
        Assert.Equal(a.ToJsonString(), b.ToJsonString());
    }

    [Fact]
    public void Evaluate_Json_PrintsOneJsonObject()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);

        var (exit, stdout, _) = Evaluate("--baseline", baseline, "--edit", "noop", "--out", _temp.Combine("out"), "--json");

        string line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using JsonDocument doc = JsonDocument.Parse(line);
        Assert.Equal("evaluate-v1", doc.RootElement.GetProperty("result").GetProperty("format").GetString());
        Assert.Equal(exit, doc.RootElement.GetProperty("result").GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public void Evaluate_OutIsAFile_ExitsTwo()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string file = _temp.Combine("not-a-folder");
        File.WriteAllText(file, "x");

        var (exit, _, stderr) = Evaluate("--baseline", baseline, "--edit", "noop", "--out", file);

        Assert.Equal(2, exit);
        Assert.Contains("IL5001", stderr);
    }

    [Theory]
    [InlineData("--tier", "reckless")]
    [InlineData("--profile", "prod")]
    [InlineData("--edit", "prune_magic")]
    public void Evaluate_UnknownName_ExitsTwo(string option, string value)
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string[] args = option == "--edit"
            ? ["--baseline", baseline, "--edit", value, "--out", _temp.Combine("out")]
            : ["--baseline", baseline, "--edit", "noop", option, value, "--out", _temp.Combine("out")];

        var (exit, _, stderr) = Evaluate(args);

        Assert.Equal(2, exit);
        Assert.Contains(value, stderr);
    }

    [Fact]
    public void Evaluate_NoBaseline_ExitsTwo()
    {
        var (exit, _, stderr) = CliRun.Invoke("evaluate", "--edit", "noop");
        Assert.Equal(2, exit);
        Assert.Contains("--baseline", stderr);
    }

    [Fact]
    public void Evaluate_UnknownOption_ExitsTwo()
    {
        var (exit, _, stderr) = CliRun.Invoke("evaluate", "--frobnicate");
        Assert.Equal(2, exit);
        Assert.Contains("IL1001", stderr);
    }
}
