using System.Text.RegularExpressions;
using System.Xml.Linq;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core.Tests.Reporting.Html;

public sealed partial class ReportHtmlTests
{
    private const string ScriptPayload = "<script>alert('x')</script>";
    private const string AttributePayload = "\"><img src=x onerror=alert(1)>";

    [Fact]
    public void Render_PassingReport_ShowsVerdictGatesHistogramAndGuards()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run());
        Assert.True(report.Verdict.Passed);

        string html = ReportHtml.Render(report);

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<p class=\"verdict-badge\" id=\"verdict\">PASS</p>", html);
        Assert.Contains("id=\"delta-histogram-svg\"", html);
        Assert.Contains("id=\"guard-chain-svg\"", html);
        Assert.Contains("id=\"ratio-svg\"", html);
        foreach (GateResult g in report.Gates)
        {
            Assert.Contains($"<code>{g.Id}</code>", html);
        }

        Assert.Equal(report.Gates.Count, Regex.Matches(html, "<tr class=\"gate\">").Count);
        Assert.Equal(report.Guards.Count, Regex.Matches(html, "<article class=\"guard-card").Count);
        Assert.Contains(HtmlText.Fixed(report.PrimaryMetric.Ratio, 4), html);
    }

    [Fact]
    public void Render_FailingReport_ShowsFailAndReasons()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(shift: 0.5, guards: ReportFixtures.DefaultGuards(failing: "spectral")));
        Assert.False(report.Verdict.Passed);

        string html = ReportHtml.Render(report);

        Assert.Contains("id=\"verdict\">FAIL</p>", html);
        Assert.Contains("<section id=\"failed-gates\">", html);
        Assert.Contains("<code>spectral_z</code>", html);
        Assert.Contains("guards.spectral", html);
        foreach (string id in report.Verdict.FailedGates)
        {
            Assert.Contains($"<li><code>{id}</code>", html);
        }
    }

    [Fact]
    public void Render_HistogramBars_OnePerBinWithCounts()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(windowsPerArm: 24));
        DeltaHistogram expected = DeltaHistogram.Build(ReportFacts.PerWindowDeltas(report.Evaluation.Final));

        string html = ReportHtml.Render(report);

        // 24 windows: ⌈√24⌉ = 5 bins holding all 24 windows.
        Assert.Equal(5, expected.Counts.Count);
        Assert.Equal(24, expected.Total);
        Assert.Equal(expected.Counts.Count, Regex.Matches(html, "<rect class=\"bar\"").Count);
        int drawn = BarCount().Matches(html).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(24, drawn);
    }

    [Fact]
    public void Render_EverySvg_IsWellFormedXml()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(guards: ReportFixtures.DefaultGuards(failing: "rmt")));

        string html = ReportHtml.Render(report);

        MatchCollection svgs = Svg().Matches(html);
        Assert.Equal(3, svgs.Count);
        foreach (Match svg in svgs)
        {
            XDocument doc = XDocument.Parse(svg.Value);
            Assert.Equal("svg", doc.Root!.Name.LocalName);
        }
    }

    [Fact]
    public void Render_HostileStrings_AreEscapedEverywhere()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(guards: ReportFixtures.DefaultGuards(failing: "spectral")));
        GuardSection spectral = report.Guards.Single(g => g.Name == "spectral");
        var hostileGuard = spectral with
        {
            Name = ScriptPayload,
            Action = AttributePayload,
            Error = ScriptPayload,
            Violations = [new GuardViolationSection(ScriptPayload, AttributePayload, ScriptPayload, 1, 0.5, true)],
            Metrics = new Dictionary<string, double?> { [ScriptPayload] = 1.0 },
        };
        report = report with
        {
            Guards = [.. report.Guards.Select(g => g == spectral ? hostileGuard : g)],
            Gates = [.. report.Gates.Select(g => g with { Reason = ScriptPayload, PolicySource = AttributePayload })],
            Verdict = report.Verdict with { Reasons = [.. report.Verdict.Reasons.Select(_ => AttributePayload)], Warnings = [ScriptPayload] },
            Run = report.Run with { Profile = ScriptPayload, Warnings = [AttributePayload] },
            Baseline = report.Baseline with { Path = AttributePayload },
            Edit = report.Edit! with { Name = ScriptPayload },
            Tool = report.Tool with { Version = ScriptPayload },
        };

        string html = ReportHtml.Render(report);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror=alert(1)>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", html);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", html);
        foreach (Match svg in Svg().Matches(html))
        {
            XDocument.Parse(svg.Value);
        }
    }

    [Fact]
    public void Render_Page_LoadsNothingExternal()
    {
        string html = ReportHtml.Render(ReportBuilder.Build(ReportFixtures.Run()));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" href=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        Assert.Contains("Content-Security-Policy", html);
        // The only URL is the SVG namespace name, which is never fetched.
        Assert.Equal(3, Regex.Matches(html, "http://").Count);
        Assert.Equal(3, Regex.Matches(html, "xmlns=\"http://www.w3.org/2000/svg\"").Count);
    }

    [Fact]
    public void Render_NoFinitePerWindowDelta_SaysSoInsteadOfBars()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run());
        ArmLossesSection final = report.Evaluation.Final;
        report = report with
        {
            Evaluation = report.Evaluation with { Final = final with { SubjectLossSums = [.. final.SubjectLossSums.Select(_ => (double?)null)] } },
        };

        string html = ReportHtml.Render(report);

        Assert.Contains("no finite per-window Δ", html);
        Assert.DoesNotContain("<rect class=\"bar\"", html);
    }

    [Fact]
    public void Render_IdenticalSubject_OneBinAndSaysAllEqual()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run(shift: 0, noise: 0));

        string html = ReportHtml.Render(report);

        Assert.Single(Regex.Matches(html, "<rect class=\"bar\""));
        Assert.Contains("All 24 windows have Δ = 0", html);
    }

    [Fact]
    public void Render_SameReport_SameBytes()
    {
        EvaluationReport report = ReportBuilder.Build(ReportFixtures.Run());

        Assert.Equal(ReportHtml.Render(report), ReportHtml.Render(report));
    }

    [GeneratedRegex(@"<svg\b.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Svg();

    [GeneratedRegex(@"\]: (\d+) window\(s\)</title></rect>")]
    private static partial Regex BarCount();
}
