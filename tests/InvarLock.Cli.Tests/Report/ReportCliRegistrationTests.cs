namespace InvarLock.Cli.Tests.Report;

/// <summary><c>report</c> and <c>explain</c> are reachable through the real command tree (<c>CliApp.BuildRoot</c>).</summary>
[Trait("Category", "Slow")]
public sealed class ReportCliRegistrationTests(EvaluatedReportFixture fixture) : IClassFixture<EvaluatedReportFixture>
{
    [Fact]
    public void CliApp_ReportCommand_Registered()
    {
        var (exit, stdout, stderr) = CliRun.Invoke("report", "--format", "md", fixture.ReportPath);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.StartsWith("# InvarLock evaluation report", stdout);
    }

    [Fact]
    public void CliApp_ExplainCommand_Registered()
    {
        var (exit, stdout, stderr) = CliRun.Invoke("explain", fixture.ReportPath);

        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("primary_metric_acceptable: PASS", stdout);
    }

    [Fact]
    public void CliApp_MalformedReport_ExitTwoOneLine()
    {
        string path = Path.Combine(fixture.NewFolder(), "bad.json");
        File.WriteAllText(path, "{\"schema_version\": 3");

        var (exit, stdout, stderr) = CliRun.Invoke("report", "--format", "html", path);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.StartsWith($"error IL3001: {path}: ", stderr);
    }
}
