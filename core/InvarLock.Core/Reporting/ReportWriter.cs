using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using InvarLock.Core.Canonical;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Core.Reporting;

/// <summary>Writes <c>evaluation.report.json</c>, <c>evaluation.report.md</c> and <c>runtime.manifest.json</c> into a
/// folder, each atomically (temp file + rename).</summary>
public static class ReportWriter
{
    /// <summary>The report's file name.</summary>
    public const string ReportFileName = "evaluation.report.json";
    /// <summary>The Markdown summary's file name.</summary>
    public const string MarkdownFileName = "evaluation.report.md";

    /// <summary>Writes the three files and returns the report path.</summary>
    public static string Write(EvaluationReport report, string outputDirectory, ReportWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        options ??= new ReportWriteOptions();
        Directory.CreateDirectory(outputDirectory);
        byte[] reportBytes = ReportJson.ToUtf8(report);
        string reportPath = Path.Combine(outputDirectory, ReportFileName);
        AtomicFile.WriteAllBytes(reportPath, reportBytes);
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, MarkdownFileName), MarkdownSummary.Render(report));
        RuntimeManifest manifest = CreateManifest(report, Digests.Sha256Hex(reportBytes), options);
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, RuntimeManifest.FileName),
            CanonicalJson.WriteIndented(JsonSerializer.SerializeToNode(manifest, ReportJson.Options)));
        return reportPath;
    }

    /// <summary>The manifest for a report whose file bytes hash to <paramref name="reportSha256"/>.</summary>
    public static RuntimeManifest CreateManifest(EvaluationReport report, string reportSha256, ReportWriteOptions options)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        string? configPath = options.ConfigPath is null ? null : Path.GetFullPath(options.ConfigPath);
        string? configSha = configPath is not null && File.Exists(configPath) ? Digests.Sha256HexOfFile(configPath) : null;
        DateTimeOffset when = options.GeneratedUtc ?? DateTimeOffset.UtcNow;
        return new RuntimeManifest(
            1,
            when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            new ManifestFile(ReportFileName, reportSha256),
            new ManifestConfig(configPath, configSha, configPath is null ? "none" : "file"),
            "host",
            new ManifestTool(report.Tool.Name, report.Tool.Version),
            new ManifestRuntime(RuntimeInformation.FrameworkDescription, RuntimeInformation.OSDescription,
                RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(), report.Runtime.ComputeBackend),
            new ManifestSecurity(options.AllowNetwork, options.AllowRemoteCode, options.AllowThirdPartyPlugins));
    }

    /// <summary>The largest runtime manifest read (bytes).</summary>
    public const long MaxManifestBytes = 1L << 20;

    /// <summary>Reads a runtime manifest strictly (a regular file of at most <see cref="MaxManifestBytes"/>, no
    /// duplicate keys).</summary>
    public static RuntimeManifest ReadManifest(string path) =>
        JsonSerializer.Deserialize<RuntimeManifest>(
            InputFile.ReadAllBytes(path, MaxManifestBytes, ErrorCodes.MalformedReport, "runtime manifest"), ReportJson.Options)
        ?? throw new JsonException("The manifest is the JSON literal null.");
}
