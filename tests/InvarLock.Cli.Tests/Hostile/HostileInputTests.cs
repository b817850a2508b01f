using System.Diagnostics;
using System.Text.Json.Nodes;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Hostile;

/// <summary>Regression tests for issue 9 problem 5: special files, model-folder consistency, remote-code markers,
/// bounded parsers, duplicate keys, --out validation, stale/partial bundles, signals, the --json envelope.</summary>
[Trait("Category", "Slow")]
public sealed class HostileInputTests : IDisposable
{
    private static readonly string[] SmallPlan = ["--seq-len", "32", "--preview-n", "8", "--final-n", "8"];

    private readonly TempFolder _temp = new("invarlock-hostile");

    public void Dispose() => _temp.Dispose();

    private (int Exit, string Out, string Error) Evaluate(params string[] args) => CliRun.Invoke(["evaluate", .. SmallPlan, .. args]);

    private static void MakeFifo(string path)
    {
        File.Delete(path);
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    private static void AssertOneLineError(string stderr, string code, string fragment)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"error {code}: ", lines[0]);
        Assert.Contains(fragment, lines[0]);
    }

    [Theory]
    [InlineData("model.safetensors", "IL2002")]
    [InlineData("config.json", "IL2007")]
    [InlineData("tokenizer.json", "IL2004")]
    public void Evaluate_FifoInModelFolder_RefusedWithoutBlocking(string file, string code)
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        MakeFifo(Path.Combine(folder, file));

        var (exit, _, stderr) = Evaluate("--baseline", folder, "--edit", "noop", "--out", _temp.Combine("out"));

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, code, "FIFO");
    }

    [Fact]
    public void Evaluate_FifoDataset_RefusedWithoutBlocking()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string data = _temp.Combine("data.txt");
        MakeFifo(data);

        var (exit, _, stderr) = Evaluate("--baseline", folder, "--edit", "noop", "--dataset", "local_text", "--dataset-path", data,
            "--out", _temp.Combine("out"));

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL2005", data + ": is a FIFO");
    }

    [Fact]
    public void Evaluate_PresetIsFolderOrFifo_Refused()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string fifo = _temp.Combine("preset.yaml");
        MakeFifo(fifo);
        Directory.CreateDirectory(_temp.Combine("dir.yaml"));

        var fromFifo = Evaluate("--baseline", folder, "--edit", "noop", "--preset", fifo, "--out", _temp.Combine("out"));
        var fromDir = Evaluate("--baseline", folder, "--edit", "noop", "--preset", _temp.Combine("dir.yaml"), "--out", _temp.Combine("out"));

        Assert.Equal(2, fromFifo.Exit);
        AssertOneLineError(fromFifo.Error, "IL1002", "FIFO");
        Assert.Equal(2, fromDir.Exit);
        AssertOneLineError(fromDir.Error, "IL1002", "is a folder");
    }

    [Fact]
    public void Evaluate_TensorsOfLayerBeyondNLayer_RefusedNamingFileAndTensor()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string configPath = Path.Combine(folder, "config.json");
        JsonObject config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        int layers = config["n_layer"]!.GetValue<int>();
        config["n_layer"] = layers - 1;
        File.WriteAllText(configPath, config.ToJsonString());

        var (exit, _, stderr) = Evaluate("--baseline", folder, "--edit", "noop", "--out", _temp.Combine("out"));

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL2006", $"model.safetensors: tensor '");
        Assert.Contains($"belongs to layer {layers - 1}", stderr);
    }

    [Fact]
    public void Evaluate_ExtraTensor_RefusedNamingFileAndTensor()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string weights = Path.Combine(folder, SafetensorsCheckpoint.SingleFileName);
        var tensors = new List<SafetensorsTensor>();
        using (SafetensorsFile file = SafetensorsFile.Open(weights))
        {
            foreach (SafetensorsEntry entry in file.Entries)
            {
                tensors.Add(new SafetensorsTensor(entry.Name, [.. entry.Shape.Select(d => (int)d)], file.ReadFloat32(entry.Name)));
            }
        }
        tensors.Add(new SafetensorsTensor("transformer.backdoor.weight", [2], [1f, 2f]));
        SafetensorsWriter.Write(weights, tensors, new Dictionary<string, string>());

        var (exit, _, stderr) = Evaluate("--baseline", folder, "--edit", "noop", "--out", _temp.Combine("out"));

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL2006", "tensor 'transformer.backdoor.weight' is not a parameter");
    }

    [Theory]
    [InlineData("tokenizer_config.json", "{\"auto_map\": {\"AutoTokenizer\": [\"tok.Custom\", null]}}")]
    [InlineData("processor_config.json", "{\"trust_remote_code\": true}")]
    [InlineData("generation_config.json", "{\"auto_map\": {\"x\": \"y.Z\"}}")]
    public void Evaluate_RemoteCodeMarkerInAnyConfigFile_Refused(string file, string json)
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        File.WriteAllText(Path.Combine(folder, file), json);

        var (exit, _, stderr) = Evaluate("--baseline", folder, "--edit", "noop", "--out", _temp.Combine("out"));

        Assert.Equal(2, exit);
        Assert.Contains(Path.Combine(folder, file) + ": ", stderr);
        Assert.Contains("asks for custom code", stderr);
        Assert.False(File.Exists(_temp.Combine("out", "evaluation.report.json")));
    }

    [Fact]
    public void Evaluate_AliasBombPreset_FailsFastWithoutExpanding()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        var yaml = new System.Text.StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (int i = 0; i < 9; i++)
        {
            char prev = (char)('a' + i), name = (char)('b' + i);
            yaml.Append($"{name}: &{name} [{string.Join(", ", Enumerable.Repeat("*" + prev, 9))}]\n");
        }
        yaml.Append("guards: *j\n");
        string preset = _temp.Combine("bomb.yaml");
        File.WriteAllText(preset, yaml.ToString());

        var (exit, _, stderr) = Evaluate("--baseline", folder, "--edit", "noop", "--preset", preset, "--out", _temp.Combine("out"));

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL1002", "alias '*a' is not supported");
    }

    [Fact]
    public void Evaluate_HundredThousandDeepPreset_RefusedWithoutStackOverflow()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string preset = _temp.Combine("deep.yaml");
        File.WriteAllText(preset, "guards: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var (exit, _, stderr) = Evaluate("--baseline", folder, "--edit", "noop", "--preset", preset, "--out", _temp.Combine("out"));

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL1002", "nesting is deeper than 64 levels");
    }

    [Fact]
    public void ReportReaders_DuplicateKey_SameErrorFromEveryCommand()
    {
        string report = TamperedCopy("\"schema_version\"", "\"schema_version\": \"x\", \"schema_version\"");

        var verify = CliRun.Invoke("verify", report);
        var explain = CliRun.Invoke("explain", report);
        var render = CliRun.Invoke("report", "--format", "md", report);
        var reuse = Evaluate("--baseline-report", report, "--edit", "noop", "--out", _temp.Combine("reuse-out"));

        string expected = $"{report}: not a valid evaluation report (Duplicate property 'schema_version'";
        Assert.Equal(2, verify.Exit);
        Assert.Contains(expected, verify.Out);
        foreach (var (exit, _, error) in new[] { explain, render, reuse })
        {
            Assert.Equal(2, exit);
            AssertOneLineError(error, "IL3001", expected);
        }
    }

    [Fact]
    public void ReportReaders_OneGigabyteReport_RefusedBeforeReading()
    {
        string report = _temp.Combine("big.report.json");
        using (var f = new FileStream(report, FileMode.CreateNew))
        {
            f.SetLength(1L << 30); // sparse: nothing is written, so nothing large is ever read
        }

        var verify = CliRun.Invoke("verify", report);
        var explain = CliRun.Invoke("explain", report);
        var render = CliRun.Invoke("report", "--format", "md", report);

        Assert.Equal(2, verify.Exit);
        Assert.Contains("above the 67108864-byte limit", verify.Out);
        Assert.Equal(2, explain.Exit);
        AssertOneLineError(explain.Error, "IL3001", "above the 67108864-byte limit");
        Assert.Equal(2, render.Exit);
        AssertOneLineError(render.Error, "IL3001", "above the 67108864-byte limit");
    }

    [Fact]
    public void Evaluate_OutInsideModelFolder_Refused()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string subject = CheckpointFactory.CopyBitIdentical(folder, _temp.Path, "subject");

        var inBaseline = Evaluate("--baseline", folder, "--subject", subject, "--out", Path.Combine(folder, "out"));
        var inSubject = Evaluate("--baseline", folder, "--subject", subject, "--out", subject);

        Assert.Equal(2, inBaseline.Exit);
        AssertOneLineError(inBaseline.Error, "IL5001", "inside the model folder");
        Assert.Equal(2, inSubject.Exit);
        AssertOneLineError(inSubject.Error, "IL5001", "inside the model folder");
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    [Fact]
    public void Evaluate_FailingRerunIntoOldOut_LeavesNoReportThatVerifies()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");
        var first = Evaluate("--baseline", folder, "--edit", "noop", "--out", outDir);
        Assert.True(first.Exit == 0, first.Out + first.Error);
        Assert.True(Directory.Exists(Path.Combine(outDir, "invarlock-subject")));
        string report = Path.Combine(outDir, "evaluation.report.json");
        Assert.Equal(0, CliRun.Invoke("verify", report).Exit);

        var rerun = Evaluate("--baseline", folder, "--edit", "noop", "--dataset", "local_text", "--dataset-path", _temp.Combine("missing.txt"),
            "--out", outDir);

        Assert.Equal(2, rerun.Exit);
        Assert.False(File.Exists(report));
        Assert.False(File.Exists(Path.Combine(outDir, "evaluation.report.md")));
        Assert.False(File.Exists(Path.Combine(outDir, "runtime.manifest.json")));
        Assert.False(Directory.Exists(Path.Combine(outDir, "invarlock-subject")));
        Assert.Equal(2, CliRun.Invoke("verify", report).Exit);
        Assert.Empty(Directory.GetDirectories(_temp.Path, ".out.invarlock-staging-*"));
    }

    [Fact]
    public void Evaluate_CancelledBySignal_Exit130OneLineAndNothingWritten()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");
        using var cancellation = new CliCancellation();
        cancellation.Cancel(System.Runtime.InteropServices.PosixSignal.SIGINT);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = CliApp.Run(["evaluate", .. SmallPlan, "--baseline", folder, "--edit", "noop", "--out", outDir],
            new CliConsole(stdout, stderr, false), new Dictionary<string, string?>(), cancellation);

        Assert.Equal(130, exit);
        AssertOneLineError(stderr.ToString(), "IL6002", "stopped by SIGINT");
        Assert.False(File.Exists(Path.Combine(outDir, "evaluation.report.json")));
        Assert.Empty(Directory.GetDirectories(_temp.Path, ".out.invarlock-staging-*"));
    }

    [Fact]
    public void Json_EveryCommandAndUsageError_FollowsTheEnvelopeSchema()
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");
        var runs = new List<(string Command, int Exit, string Out)>();
        void Add(string command, params string[] args)
        {
            var (exit, stdout, _) = CliRun.Invoke(args);
            runs.Add((command, exit, stdout));
        }
        Add("evaluate", ["evaluate", .. SmallPlan, "--baseline", folder, "--edit", "noop", "--out", outDir, "--json"]);
        string report = Path.Combine(outDir, "evaluation.report.json");
        Add("verify", "verify", report, "--json");
        Add("explain", "explain", report, "--json");
        Add("version", "version", "--json");
        Add("doctor", "doctor", "--json", "--out", _temp.Combine("doctor-out"));
        Add("plugins list", "plugins", "list", "--json");
        Add("evaluate", "evaluate", "--json", "--no-such-option");
        Add("explain", "explain", _temp.Combine("missing.json"), "--json");

        JsonObject schema = JsonNode.Parse(File.ReadAllText(SchemaPath()))!.AsObject();
        string[] required = [.. schema["required"]!.AsArray().Select(n => n!.GetValue<string>())];
        string[] errorRequired = [.. schema["properties"]!["errors"]!["items"]!["required"]!.AsArray().Select(n => n!.GetValue<string>())];
        foreach (var (command, exit, stdout) in runs)
        {
            string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            JsonObject envelope = JsonNode.Parse(lines[0])!.AsObject();
            Assert.Equal(required.Order(), envelope.Select(p => p.Key).Order());
            Assert.Equal(schema["properties"]!["schema"]!["const"]!.GetValue<string>(), envelope["schema"]!.GetValue<string>());
            Assert.Equal(command, envelope["command"]!.GetValue<string>());
            Assert.Equal(exit, envelope["exit_code"]!.GetValue<int>());
            JsonArray errors = envelope["errors"]!.AsArray();
            Assert.Equal(exit is 0 or 1, errors.Count == 0);
            foreach (JsonNode? e in errors)
            {
                Assert.Equal(errorRequired.Order(), e!.AsObject().Select(p => p.Key).Order());
                Assert.Matches("^(IL[0-9]{4}|internal)$", e["code"]!.GetValue<string>());
            }
        }
        Assert.Null(runs[^2].Out is var usage && JsonNode.Parse(usage)!["result"] is { } r ? r : null);
        Assert.Equal(_temp.Combine("missing.json"), JsonNode.Parse(runs[^1].Out)!["errors"]![0]!["file"]!.GetValue<string>());
    }

    private static string SchemaPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "docs", "reference", "cli-json.schema.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException("docs/reference/cli-json.schema.json");
    }

    private string TamperedCopy(string find, string replace)
    {
        string folder = CheckpointFactory.CreateTiny(_temp.Path, "m");
        string outDir = _temp.Combine("orig");
        var run = Evaluate("--baseline", folder, "--edit", "noop", "--out", outDir);
        Assert.True(run.Exit == 0, run.Out + run.Error);
        string text = File.ReadAllText(Path.Combine(outDir, "evaluation.report.json"));
        int at = text.IndexOf(find, StringComparison.Ordinal);
        string tampered = Path.Combine(outDir, "evaluation.report.json");
        File.WriteAllText(tampered, text[..at] + replace + text[(at + find.Length)..]);
        return tampered;
    }
}
