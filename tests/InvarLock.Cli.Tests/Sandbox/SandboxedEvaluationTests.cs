using System.Text.Json.Nodes;
using InvarLock.Cli.Sandbox;
using InvarLock.Core.Plugins;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace InvarLock.Cli.Tests.Sandbox;

/// <summary><c>evaluate --execution-mode</c>: the mode decision (release refuses host), the same report in both modes,
/// and the parent refusing what a worker must not hand back.</summary>
public sealed class SandboxedEvaluationTests : IDisposable
{
    private static readonly string[] SmallPlan = ["--seq-len", "32", "--preview-n", "8", "--final-n", "8"];
    private static readonly Dictionary<string, string?> NoBubblewrap = new() { ["PATH"] = "/nonexistent" };

    private readonly TempFolder _temp = new("invarlock-sandboxed");

    public void Dispose() => _temp.Dispose();

    private static PluginRegistry Registry() =>
        new ServiceCollection().AddInvarLock().BuildServiceProvider().GetRequiredService<PluginRegistry>();

    [Fact]
    public void Choose_ReleaseWithoutBubblewrap_RefusesHost()
    {
        var ex = Assert.Throws<InvarLockException>(() => SandboxedEvaluation.Choose(null, "release", NoBubblewrap, TextWriter.Null));

        Assert.Equal(ErrorCodes.SecurityRefused, ex.Code);
        Assert.Equal(2, ex.Code.ExitCode);
        Assert.Contains(ExecutionModes.AllowHostVariable, ex.Message);
    }

    [Fact]
    public void Choose_ReleaseExplicitHostWithoutOverride_Refuses()
    {
        var ex = Assert.Throws<InvarLockException>(() => SandboxedEvaluation.Choose("host", "release", new Dictionary<string, string?>(), TextWriter.Null));

        Assert.Equal(ErrorCodes.SecurityRefused, ex.Code);
    }

    [Fact]
    public void Choose_ReleaseHostWithOverride_RunsOnHost()
    {
        var environment = new Dictionary<string, string?>(NoBubblewrap) { [ExecutionModes.AllowHostVariable] = "1" };
        var error = new StringWriter();

        Assert.Null(SandboxedEvaluation.Choose(null, "release", environment, error));
        Assert.Single(error.ToString().TrimEnd().Split('\n'));
    }

    [Fact]
    public void Choose_DevDefaultWithoutBubblewrap_SaysSoOnOneLineAndFallsBackToHost()
    {
        var error = new StringWriter();

        Assert.Null(SandboxedEvaluation.Choose(null, "dev", NoBubblewrap, error));

        string[] lines = error.ToString().TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.Contains("bubblewrap", lines[0]);
        Assert.Contains("host mode", lines[0]);
    }

    [Fact]
    public void Choose_ExplicitSandboxWithoutBubblewrap_Refuses()
    {
        var ex = Assert.Throws<InvarLockException>(() => SandboxedEvaluation.Choose("sandbox", "dev", NoBubblewrap, TextWriter.Null));

        Assert.Equal(ErrorCodes.SecurityRefused, ex.Code);
    }

    [Fact]
    public void Choose_UnknownMode_IsUsageError()
    {
        var ex = Assert.Throws<InvarLockException>(() => SandboxedEvaluation.Choose("vm", "dev", NoBubblewrap, TextWriter.Null));

        Assert.Equal(ErrorCodes.Usage, ex.Code);
    }

    [Fact]
    public void Evaluate_ReleaseHostWithoutOverride_ExitsTwoAndWritesNothing()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");

        var (exit, _, stderr) = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--edit", "noop", "--profile", "release",
            "--execution-mode", "host", "--out", outDir]);

        Assert.Equal(2, exit);
        Assert.Contains("IL7001", stderr);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Evaluate_SandboxAndHost_SameMetricsAndDigests()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string subject = CheckpointFactory.ScaleWeights(baseline, _temp.Path, "subject", 1.01f);
        JsonObject Run(string mode)
        {
            string outDir = _temp.Combine("out-" + mode);
            var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--subject", subject,
                "--execution-mode", mode, "--out", outDir]);
            Assert.True(exit is 0 or 1, $"{mode}: exit {exit}\n{stdout}\n{stderr}");
            var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "runtime.manifest.json")))!.AsObject();
            Assert.Equal(mode, manifest["execution_mode"]!.GetValue<string>());
            var report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();
            Assert.Equal(mode, report["runtime"]!["execution_mode"]!.GetValue<string>());
            var (verifyExit, verifyOut, _) = CliRun.Invoke("verify", Path.Combine(outDir, "evaluation.report.json"));
            Assert.True(verifyExit == exit, verifyOut);
            foreach (string timingOrMode in new[] { "timing", "integrity", "runtime" })
            {
                report.Remove(timingOrMode);
            }
            return report;
        }

        JsonObject host = Run("host");
        JsonObject sandbox = Run("sandbox");

        Assert.Equal(host["primary_metric"]!.ToJsonString(), sandbox["primary_metric"]!.ToJsonString());
        Assert.Equal(host["baseline"]!.ToJsonString(), sandbox["baseline"]!.ToJsonString());
        Assert.Equal(host["subject"]!.ToJsonString(), sandbox["subject"]!.ToJsonString());
        Assert.Equal(host.ToJsonString(), sandbox.ToJsonString());
    }

    [Fact]
    public void Validate_SymlinkInStaging_Refused()
    {
        string staging = _temp.Combine("staging");
        Directory.CreateDirectory(staging);
        File.WriteAllText(_temp.Combine("elsewhere.json"), "{}");
        File.CreateSymbolicLink(Path.Combine(staging, "evaluation.report.json"), _temp.Combine("elsewhere.json"));

        var ex = Assert.Throws<InvarLockException>(() => SandboxedEvaluation.Validate(staging, "dev", [], Registry()));

        Assert.Equal(ErrorCodes.SecurityRefused, ex.Code);
        Assert.Contains("symlink", ex.Message);
    }

    [Fact]
    public void Validate_UnexpectedEntry_Refused()
    {
        string staging = _temp.Combine("staging");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "run.sh"), "#!/bin/sh");

        var ex = Assert.Throws<InvarLockException>(() => SandboxedEvaluation.Validate(staging, "dev", [], Registry()));

        Assert.Contains("run.sh", ex.Message);
        Assert.Contains("not a bundle entry", ex.Message);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Validate_HostReportOrTamperedManifest_Refused()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");
        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--edit", "noop", "--out", outDir]);
        Assert.True(exit == 0, $"{stdout}\n{stderr}");
        string staging = _temp.Combine("staging");
        Directory.CreateDirectory(staging);
        foreach (string name in new[] { "evaluation.report.json", "evaluation.report.md", "runtime.manifest.json" })
        {
            File.Copy(Path.Combine(outDir, name), Path.Combine(staging, name));
        }

        var hostMode = Assert.Throws<InvarLockException>(() => SandboxedEvaluation.Validate(staging, "dev", [baseline], Registry()));
        Assert.Contains("execution_mode sandbox", hostMode.Message);

        string manifest = Path.Combine(staging, "runtime.manifest.json");
        JsonObject manifestNode = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        manifestNode["report"]!["sha256"] = new string('0', 64);
        File.WriteAllText(manifest, manifestNode.ToJsonString());
        var tampered = Assert.Throws<InvarLockException>(() => SandboxedEvaluation.Validate(staging, "dev", [baseline], Registry()));
        Assert.Contains("hashes to", tampered.Message);
    }
}
