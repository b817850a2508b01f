using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;
using InvarLock.Core;
using InvarLock.Sdk.IO;
using InvarLock.Cli.Composition;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock report --format md|html|json REPORT [--out FILE]</c>: renders a report for people (Markdown for
/// PR comments, a self-contained HTML page) or re-serialises it canonically (json). Informational: exits 0 whatever the
/// verdict; a report that cannot be read exits 2.</summary>
internal static class ReportCommand
{
    /// <summary>The formats <c>--format</c> accepts.</summary>
    public static readonly string[] Formats = ["md", "html", "json"];

    public static Command Create(CliConsole console)
    {
        Argument<FileInfo> report = new("REPORT") { Description = "The evaluation.report.json to render" };
        Option<string> format = new("--format") { Description = "md (Markdown summary), html (self-contained page) or json (canonical re-serialisation)", DefaultValueFactory = _ => "md" };
        format.AcceptOnlyFromAmong(Formats);
        Option<FileInfo?> output = new("--out") { Description = "Write to this file (atomically) instead of stdout" };
        var command = new Command("report", "Render an evaluation report as Markdown, HTML or canonical JSON") { report, format, output };
        command.SetAction(parse =>
        {
            string reportPath = parse.GetValue(report)!.FullName;
            EvaluationReport parsed = ReportInput.Load(reportPath);
            string text = Render(parsed, parse.GetValue(format)!);
            if (parse.GetValue(output) is { } target)
            {
                string written = WriteOutput(target.FullName, reportPath, text);
                console.Out.WriteLine($"Wrote {written}");
            }
            else
            {
                console.Out.Write(text);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The report in <paramref name="format"/> (md, html or json).</summary>
    public static string Render(EvaluationReport report, string format) => format switch
    {
        "md" => MarkdownSummary.Render(report),
        "html" => ReportHtml.Render(report, FirstPartyGuardPolicies.Instance),
        "json" => ReportJson.ToText(report),
        _ => throw new InvarLockException(ErrorCodes.Usage, $"--format {format}: expected one of {string.Join(", ", Formats)}"),
    };

    /// <summary>Validates <paramref name="path"/> (its folder may not be a file; nothing is written through a link; never the
    /// input report itself) and writes <paramref name="text"/> atomically. Returns the full path written.</summary>
    private static string WriteOutput(string path, string reportPath, string text)
    {
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? throw new InvarLockException(ErrorCodes.OutputError, $"{path}: has no parent folder");
        string target = OutputPathValidator.ResolveOutputFile(OutputPathValidator.ValidateOutputDirectory(folder), Path.GetFileName(full));
        if (string.Equals(target, Path.GetFullPath(reportPath), StringComparison.Ordinal))
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{path}: is the input report; choose another --out file");
        }

        try
        {
            AtomicFile.WriteAllText(target, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{path}: cannot write ({CliApp.OneLine(e.Message)})", e);
        }

        return target;
    }
}

/// <summary>Reads a report file for the rendering commands: a missing file is <see cref="ErrorCodes.MissingFile"/>, anything
/// that is not a valid schema-v1 report is <see cref="ErrorCodes.MalformedReport"/>, each with one line naming the file.</summary>
internal static class ReportInput
{
    public static EvaluationReport Load(string path)
    {
        JsonObject node = ReportJson.ReadFile(path).Node;
        EvaluationReport report;
        try
        {
            report = JsonSerializer.Deserialize<EvaluationReport>(node, ReportJson.Options) ?? throw new JsonException("the report is the JSON literal null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvarLockException(ErrorCodes.MalformedReport, $"{path}: not a valid evaluation report ({CliApp.OneLine(e.Message)})", e);
        }

        if (report.SchemaVersion != EvaluationReport.CurrentSchemaVersion)
        {
            throw new InvarLockException(ErrorCodes.MalformedReport,
                $"{path}: schema version '{CliApp.OneLine(report.SchemaVersion)}' is not supported (expected {EvaluationReport.CurrentSchemaVersion})");
        }

        return report;
    }
}
