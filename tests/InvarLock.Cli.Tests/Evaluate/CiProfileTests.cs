using System.Text.Json.Nodes;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Evaluate;

/// <summary>The ci profile: strict floors and the guard-overhead measurement.</summary>
[Trait("Category", "Slow")]
public sealed class CiProfileTests : IDisposable
{
    private readonly TempFolder _temp = new("invarlock-cli-ci");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Evaluate_CiProfile_MeasuresGuardOverheadAndGatesFloors()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = CliRun.Invoke("evaluate", "--baseline", baseline, "--edit", "noop", "--profile", "ci",
            "--seq-len", "32", "--preview-n", "8", "--final-n", "8", "--out", outDir);

        // 8+8 windows are far below the ci floors, which gate in ci (they only warn in dev).
        Assert.True(exit == 1, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();
        JsonNode overhead = report["guard_overhead"]!;
        Assert.NotNull(overhead);
        JsonArray failed = report["verdict"]!["failed_gates"]!.AsArray();
        Assert.Contains(failed, g => g!.GetValue<string>() == "bootstrap_coverage");
        Assert.DoesNotContain(failed, g => g!.GetValue<string>() == "guard_overhead_acceptable");
        Assert.Equal(1, CliRun.Invoke("verify", Path.Combine(outDir, "evaluation.report.json")).Exit);
    }
}
