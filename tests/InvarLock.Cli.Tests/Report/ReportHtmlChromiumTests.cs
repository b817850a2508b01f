using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Cli.Tests.Report;

/// <summary>The HTML page of a real report loads in headless Chromium without console errors and shows the verdict and
/// the inline SVG. Two control pages prove the console check can fail (a script error, an external image).</summary>
[Trait("Category", "Slow")]
public sealed class ReportHtmlChromiumTests(EvaluatedReportFixture fixture) : IClassFixture<EvaluatedReportFixture>
{
    [Fact]
    public void Html_PassingReportInChromium_LoadsCleanAndShowsVerdictAndSvg()
    {
        string page = Path.Combine(fixture.NewFolder(), "report.html");
        var (exit, _, stderr) = RenderCliHarness.Run("report", "--format", "html", fixture.ReportPath, "--out", page);
        Assert.True(exit == 0, stderr);

        HeadlessChromium.PageLoad load = HeadlessChromium.Load(page);

        Assert.True(load.ExitCode == 0, $"chromium exited {load.ExitCode}\n{load.Stderr}");
        Assert.True(load.ConsoleLines.Count == 0, "console messages:\n" + string.Join("\n", load.ConsoleLines));
        Assert.Contains("<title>InvarLock evaluation report: PASS</title>", load.Dom);
        Assert.Contains("id=\"verdict\">PASS</p>", load.Dom);
        Assert.Contains("<svg id=\"delta-histogram-svg\"", load.Dom);
        Assert.Contains("<rect class=\"bar\"", load.Dom);
        Assert.Contains("<svg id=\"guard-chain-svg\"", load.Dom);
    }

    [Fact]
    public void Html_FailingReportWithHostileStringsInChromium_ShowsFailAndRunsNothing()
    {
        EvaluationReport report = ReportJson.Parse(fixture.ReportText);
        const string payload = "<script>console.error('injected')</script><img src=\"http://127.0.0.1:9/x.png\">";
        report = report with
        {
            Verdict = report.Verdict with { Passed = false, FailedGates = ["primary_metric_acceptable"], Reasons = [payload] },
            Guards = [.. report.Guards.Select(g => g with { Error = payload })],
            Gates = [.. report.Gates.Select(g => g with { Reason = payload })],
        };
        string page = Path.Combine(fixture.NewFolder(), "hostile.html");
        File.WriteAllText(page, ReportHtml.Render(report));

        HeadlessChromium.PageLoad load = HeadlessChromium.Load(page);

        Assert.True(load.ExitCode == 0, $"chromium exited {load.ExitCode}\n{load.Stderr}");
        Assert.True(load.ConsoleLines.Count == 0, "console messages:\n" + string.Join("\n", load.ConsoleLines));
        Assert.Contains("id=\"verdict\">FAIL</p>", load.Dom);
        Assert.DoesNotContain("<script", load.Dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", load.Dom, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;console.error(", load.Dom);
    }

    [Fact]
    public void Html_ControlPageWithScriptError_ConsoleCheckCatchesIt()
    {
        string page = Path.Combine(fixture.NewFolder(), "control.html");
        File.WriteAllText(page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>c</title></head><body><p>c</p>"
            + "<script>throw new Error('control failure')</script></body></html>");

        HeadlessChromium.PageLoad load = HeadlessChromium.Load(page);

        Assert.Contains(load.ConsoleLines, l => l.Contains("Uncaught Error: control failure", StringComparison.Ordinal));
    }

    [Fact]
    public void Html_ControlPageLoadingExternalImage_BlockedAndReported()
    {
        // The report page's Content-Security-Policy turns any external fetch into a console error the test sees.
        string html = ReportHtml.Render(ReportJson.Parse(fixture.ReportText))
            .Replace("</main>", "<img src=\"http://127.0.0.1:9/x.png\" alt=\"\"></main>", StringComparison.Ordinal);
        string page = Path.Combine(fixture.NewFolder(), "external.html");
        File.WriteAllText(page, html);

        HeadlessChromium.PageLoad load = HeadlessChromium.Load(page);

        Assert.Contains(load.ConsoleLines, l => l.Contains("Content Security Policy", StringComparison.Ordinal));
    }
}
