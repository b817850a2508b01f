using System.Text.Json.Nodes;

namespace InvarLock.Cli.Tests.Report;

/// <summary>A report that cannot be read: exit 2 with exactly one stderr line naming the file, for both commands.</summary>
[Trait("Category", "Slow")]
public sealed class MalformedReportTests(EvaluatedReportFixture fixture) : IClassFixture<EvaluatedReportFixture>
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string command in new[] { "report", "explain" })
        {
            foreach (string kind in new[] { "not-json", "truncated", "unknown-field", "missing-field", "wrong-type", "null", "schema-version", "nan" })
            {
                data.Add(command, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Command_MalformedReport_ExitsTwoWithOneLineNamingTheFile(string command, string kind)
    {
        string path = Path.Combine(fixture.NewFolder(), $"bad-{kind}.json");
        File.WriteAllText(path, Corrupt(fixture.ReportText, kind));

        var (exit, stdout, stderr) = RenderCliHarness.Run(command, path);

        Assert.Equal(2, exit);
        Assert.Empty(stdout);
        string[] lines = stderr.TrimEnd('\n', '\r').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("error IL3001: " + path + ":", lines[0]);
    }

    [Theory]
    [InlineData("report")]
    [InlineData("explain")]
    public void Command_MissingReport_ExitsTwoMissingFile(string command)
    {
        string path = Path.Combine(fixture.NewFolder(), "absent.json");

        var (exit, _, stderr) = RenderCliHarness.Run(command, path);

        Assert.Equal(2, exit);
        Assert.Equal($"error IL2001: {path}: report file not found", stderr.TrimEnd());
    }

    private static string Corrupt(string text, string kind)
    {
        JsonObject node = JsonNode.Parse(text)!.AsObject();
        switch (kind)
        {
            case "not-json":
                return "this is not json\n{";
            case "truncated":
                return text[..(text.Length / 2)];
            case "unknown-field":
                node["surprise"] = 1;
                break;
            case "missing-field":
                node.Remove("verdict");
                break;
            case "wrong-type":
                node["primary_metric"]!["ratio"] = "1.0";
                break;
            case "null":
                return "null";
            case "schema-version":
                node["schema_version"] = "invarlock.evaluation-report/v0";
                break;
            case "nan":
                string nan = System.Text.RegularExpressions.Regex.Replace(text, "\"ratio\": [-0-9.eE+]+", "\"ratio\": NaN");
                Assert.NotEqual(text, nan);
                return nan;
        }

        return node.ToJsonString();
    }
}
