using InvarLock.Core.Canonical;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Tests.Verification;

namespace InvarLock.Core.Tests.Reporting;

public sealed class ReportWriterTests
{
    [Fact]
    public void Write_Report_WritesThreeFilesAndManifestHash()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        string dir = Path.GetDirectoryName(folder.ReportPath)!;
        Assert.True(File.Exists(Path.Combine(dir, ReportWriter.MarkdownFileName)));
        RuntimeManifest manifest = ReportWriter.ReadManifest(folder.ManifestPath);
        Assert.Equal(Digests.Sha256HexOfFile(folder.ReportPath), manifest.Report.Sha256);
        Assert.Equal("host", manifest.ExecutionMode);
        Assert.False(manifest.Security.AllowNetwork);
        Assert.Equal(ReportFixtures.Run().ComputeBackend, manifest.Runtime.ComputeBackend);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void ReadManifest_WrittenBeforeComputeBackendWasRecorded_ReadsItAsNull()
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run());
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(folder.ManifestPath))!;
        Assert.True(node["runtime"]!.AsObject().Remove("compute_backend"));
        File.WriteAllText(folder.ManifestPath, node.ToJsonString());
        Assert.Null(ReportWriter.ReadManifest(folder.ManifestPath).Runtime.ComputeBackend);
    }

    [Fact]
    public void Write_ConfigFile_RecordsItsDigest()
    {
        string dir = Path.Combine(Path.GetTempPath(), "invarlock-writer-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(dir);
            string config = Path.Combine(dir, "preset.yaml");
            File.WriteAllText(config, "metrics: {}\n");
            ReportWriter.Write(ReportBuilder.Build(ReportFixtures.Run()), Path.Combine(dir, "out"),
                new ReportWriteOptions(config, AllowThirdPartyPlugins: true));
            RuntimeManifest manifest = ReportWriter.ReadManifest(Path.Combine(dir, "out", RuntimeManifest.FileName));
            Assert.Equal(Digests.Sha256HexOfFile(config), manifest.Config.Sha256);
            Assert.Equal("file", manifest.Config.Source);
            Assert.True(manifest.Security.AllowThirdPartyPlugins);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Build_SameInputs_ByteIdenticalExceptTiming()
    {
        EvaluationReport a = ReportBuilder.Build(ReportFixtures.Run());
        EvaluationReport b = ReportBuilder.Build(ReportFixtures.Run(started: new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.NotEqual(ReportJson.ToText(a), ReportJson.ToText(b));
        Assert.Equal(ReportJson.ToText(a with { Timing = b.Timing }), ReportJson.ToText(b));
    }

    [Fact]
    public void Build_Report_RoundTripsThroughStrictReader()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(guards: ReportFixtures.DefaultGuards("spectral")));
        string text = ReportJson.ToText(report);
        EvaluationReport back = ReportJson.Parse(text);
        Assert.Equal(text, ReportJson.ToText(back));
        Assert.Null(back.Guards[1].Metrics["nan_metric"]); // NaN guard metrics are written as null
        Assert.False(back.Verdict.Passed);
        Assert.Contains("spectral_stable", back.Verdict.FailedGates);
    }

    [Fact]
    public void Build_Report_RecordsPointRatioAndCiConsistently()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(shift: 0.02, noise: 0.01));
        PrimaryMetricSection pm = report.PrimaryMetric;
        Assert.Equal(pm.Subject.Final.Perplexity!.Value / pm.Baseline.Final.Perplexity!.Value, pm.Ratio!.Value);
        Assert.Equal(InvarLock.Numerics.DeterministicMath.Exp(pm.Ci!.Lower), pm.DisplayCi!.Lower);
        Assert.Equal(InvarLock.Numerics.DeterministicMath.Exp(pm.Ci.Upper), pm.DisplayCi.Upper);
        Assert.InRange(pm.Ratio.Value, pm.DisplayCi.Lower, pm.DisplayCi.Upper);
        Assert.Equal(42 + 503, pm.Bootstrap.Seed);
        Assert.Equal(1000, pm.Bootstrap.Replicates);
    }

    [Fact]
    public void Render_Markdown_ShowsVerdictGatesAndRatio()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(shift: 0.5));
        string md = MarkdownSummary.Render(report);
        Assert.Contains("**Verdict:** FAIL", md);
        Assert.Contains("`primary_metric_acceptable`", md);
        Assert.Contains("CI upper bound", md);
        Assert.EndsWith("\n", md);
    }
}
