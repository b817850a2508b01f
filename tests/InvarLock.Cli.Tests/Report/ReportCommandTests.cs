using System.Text.Json.Nodes;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Cli.Tests.Report;

/// <summary><c>invarlock report</c> on a report written by <c>invarlock evaluate</c>.</summary>
[Trait("Category", "Slow")]
public sealed class ReportCommandTests(EvaluatedReportFixture fixture) : IClassFixture<EvaluatedReportFixture>
{
    [Fact]
    public void Report_FormatMd_PrintsMarkdownSummary()
    {
        var (exit, stdout, stderr) = RenderCliHarness.Run("report", "--format", "md", fixture.ReportPath);

        Assert.True(exit == 0, stderr);
        Assert.Equal(MarkdownSummary.Render(ReportJson.Parse(fixture.ReportText)), stdout);
        Assert.Contains("**Verdict:** PASS", stdout);
        Assert.Empty(stderr);
    }

    [Fact]
    public void Report_DefaultFormat_IsMarkdown()
    {
        var (exit, stdout, _) = RenderCliHarness.Run("report", fixture.ReportPath);

        Assert.Equal(0, exit);
        Assert.StartsWith("# InvarLock evaluation report", stdout);
    }

    [Fact]
    public void Report_FormatJson_ReproducesTheCanonicalFileByteForByte()
    {
        var (exit, stdout, stderr) = RenderCliHarness.Run("report", "--format", "json", fixture.ReportPath);

        Assert.True(exit == 0, stderr);
        Assert.Equal(fixture.ReportText, stdout);
    }

    [Fact]
    public void Report_FormatJsonOfIndentedVariant_Canonicalises()
    {
        string folder = fixture.NewFolder();
        string loose = Path.Combine(folder, "loose.json");
        File.WriteAllText(loose, JsonNode.Parse(fixture.ReportText)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = false }));

        var (exit, stdout, stderr) = RenderCliHarness.Run("report", "--format", "json", loose);

        Assert.True(exit == 0, stderr);
        Assert.Equal(fixture.ReportText, stdout);
    }

    [Fact]
    public void Report_FormatHtmlToStdout_PrintsThePage()
    {
        var (exit, stdout, stderr) = RenderCliHarness.Run("report", "--format", "html", fixture.ReportPath);

        Assert.True(exit == 0, stderr);
        Assert.Equal(ReportHtml.Render(ReportJson.Parse(fixture.ReportText)), stdout);
        Assert.Contains("id=\"verdict\">PASS</p>", stdout);
    }

    [Theory]
    [InlineData("md")]
    [InlineData("html")]
    [InlineData("json")]
    public void Report_WithOut_WritesFileAtomicallyAndSaysWhere(string format)
    {
        string folder = fixture.NewFolder();
        string target = Path.Combine(folder, "nested", "report." + format);

        var (exit, stdout, stderr) = RenderCliHarness.Run("report", "--format", format, fixture.ReportPath, "--out", target);

        Assert.True(exit == 0, stderr);
        Assert.Equal($"Wrote {target}\n", stdout.ReplaceLineEndings("\n"));
        EvaluationReport report = ReportJson.Parse(fixture.ReportText);
        string expected = format switch { "md" => MarkdownSummary.Render(report), "html" => ReportHtml.Render(report), _ => ReportJson.ToText(report) };
        Assert.Equal(expected, File.ReadAllText(target));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!, "*.tmp"));
    }

    [Fact]
    public void Report_OutExistingFile_Replaced()
    {
        string target = Path.Combine(fixture.NewFolder(), "page.html");
        File.WriteAllText(target, "old");

        var (exit, _, stderr) = RenderCliHarness.Run("report", "--format", "html", fixture.ReportPath, "--out", target);

        Assert.True(exit == 0, stderr);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(target));
    }

    [Fact]
    public void Report_OutIsTheInputReport_RefusedAndReportUntouched()
    {
        string folder = fixture.NewFolder();
        string copy = Path.Combine(folder, "evaluation.report.json");
        File.WriteAllText(copy, fixture.ReportText);

        var (exit, _, stderr) = RenderCliHarness.Run("report", "--format", "md", copy, "--out", copy);

        Assert.Equal(2, exit);
        Assert.StartsWith("error IL5001:", stderr);
        Assert.Equal(fixture.ReportText, File.ReadAllText(copy));
    }

    [Fact]
    public void Report_OutThroughSymbolicLink_Refused()
    {
        string folder = fixture.NewFolder();
        string victim = Path.Combine(folder, "victim.txt");
        File.WriteAllText(victim, "keep");
        string link = Path.Combine(folder, "page.html");
        File.CreateSymbolicLink(link, victim);

        var (exit, _, stderr) = RenderCliHarness.Run("report", "--format", "html", fixture.ReportPath, "--out", link);

        Assert.Equal(2, exit);
        Assert.StartsWith("error IL5001:", stderr);
        Assert.Equal("keep", File.ReadAllText(victim));
    }

    [Fact]
    public void Report_OutFolderIsAFile_Refused()
    {
        string folder = fixture.NewFolder();
        string file = Path.Combine(folder, "file");
        File.WriteAllText(file, "x");

        var (exit, _, stderr) = RenderCliHarness.Run("report", "--format", "md", fixture.ReportPath, "--out", Path.Combine(file, "out.md"));

        Assert.Equal(2, exit);
        Assert.StartsWith("error IL5001:", stderr);
    }

    [Fact]
    public void Report_UnknownFormat_UsageErrorExitTwo()
    {
        var (exit, _, stderr) = RenderCliHarness.Run("report", "--format", "pdf", fixture.ReportPath);

        Assert.Equal(2, exit);
        Assert.Contains("IL1001", stderr);
    }

    [Fact]
    public void Report_FailingVerdict_StillExitsZero()
    {
        string path = Path.Combine(fixture.NewFolder(), "failed.json");
        var node = JsonNode.Parse(fixture.ReportText)!.AsObject();
        node["verdict"]!["passed"] = false;
        node["verdict"]!["failed_gates"] = new JsonArray("primary_metric_acceptable");
        node["verdict"]!["reasons"] = new JsonArray("Ratio CI upper bound 2 exceeds the limit 1.102.");
        File.WriteAllText(path, node.ToJsonString());

        var (exit, stdout, stderr) = RenderCliHarness.Run("report", "--format", "html", path);

        Assert.True(exit == 0, stderr);
        Assert.Contains("id=\"verdict\">FAIL</p>", stdout);
        Assert.Contains("Ratio CI upper bound 2 exceeds the limit 1.102.", stdout);
    }

    [Theory]
    [InlineData("md")]
    [InlineData("html")]
    public void Report_FewerReasonsThanFailedGates_StillRenders(string format)
    {
        string path = Path.Combine(fixture.NewFolder(), "uneven.json");
        var node = JsonNode.Parse(fixture.ReportText)!.AsObject();
        node["verdict"]!["passed"] = false;
        node["verdict"]!["failed_gates"] = new JsonArray("primary_metric_acceptable", "spectral_stable");
        node["verdict"]!["reasons"] = new JsonArray("only one reason");
        File.WriteAllText(path, node.ToJsonString());

        var (exit, stdout, stderr) = RenderCliHarness.Run("report", "--format", format, path);

        Assert.True(exit == 0, stderr);
        Assert.Contains("spectral_stable", stdout);
        Assert.Contains("only one reason", stdout);
    }
}
