using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Report;

/// <summary>One real report, written by <c>invarlock evaluate</c> on a generated tiny GPT-2 with the noop edit
/// (8 + 8 windows of 32 tokens), shared by the rendering tests of a class. Regenerated on every test run.</summary>
public sealed class EvaluatedReportFixture : IDisposable
{
    private readonly TempFolder _temp = new("invarlock-cli-render");

    public EvaluatedReportFixture()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);
        string outDir = _temp.Combine("out");
        var (exit, stdout, stderr) = CliRun.Invoke(new Dictionary<string, string?>(), "evaluate", "--baseline", baseline, "--edit", "noop", "--seq-len", "32",
            "--preview-n", "8", "--final-n", "8", "--out", outDir);
        if (exit != 0)
        {
            throw new InvalidOperationException($"evaluate exited {exit}\n{stdout}\n{stderr}");
        }

        ReportPath = Path.Combine(outDir, "evaluation.report.json");
        ReportText = File.ReadAllText(ReportPath);
    }

    /// <summary>The report file written by evaluate.</summary>
    public string ReportPath { get; }

    /// <summary>Its text as written.</summary>
    public string ReportText { get; }

    /// <summary>A fresh scratch folder for a test (deleted with the fixture).</summary>
    public string NewFolder()
    {
        string path = _temp.Combine("t-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose() => _temp.Dispose();
}
