using System.IO.Compression;
using System.Text;
using InvarLock.Core.Canonical;
using InvarLock.Core.Reporting;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Verification;

/// <summary>An evidence bundle: one zip holding what the deployment checklist says to archive with a report — the
/// report, its signature (when signed), its Markdown and HTML renderings, the runtime manifest, the baseline report it
/// reused (under <c>baseline/</c>), the tool's CycloneDX SBOM, and <c>checksums.sha256</c> (the SHA-256 of every other
/// file, in <c>sha256sum</c> format, so <c>sha256sum -c</c> checks it without InvarLock). <c>verify FILE.zip</c>
/// checks every file and re-verifies the report against the bundled baseline report.</summary>
public static class EvidenceBundle
{
    /// <summary>The checksum manifest's name inside the bundle.</summary>
    public const string ChecksumsName = "checksums.sha256";

    /// <summary>The HTML rendering's name inside the bundle.</summary>
    public const string HtmlName = "evaluation.report.html";

    /// <summary>The SBOM's name inside the bundle (and beside the installed tool).</summary>
    public const string SbomName = "sbom.cdx.json";

    /// <summary>The bundled baseline report's name.</summary>
    public const string BaselineReportName = "baseline/" + ReportWriter.ReportFileName;

    /// <summary>Most entries a bundle may hold when read.</summary>
    public const int MaxEntries = 64;

    /// <summary>Largest entry read from a bundle, in bytes.</summary>
    public const long MaxEntryBytes = 256L * 1024 * 1024;

    /// <summary>Writes the bundle of the run in <paramref name="outDirectory"/> (an <c>evaluate --out</c> folder) to
    /// <paramref name="zipPath"/>, atomically. <paramref name="html"/> is the report's HTML rendering;
    /// <paramref name="sbomPath"/> the tool's SBOM (null: none). Returns the bundled names, in order.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when the report or the manifest is
    /// missing; <see cref="ErrorCodes.MalformedReport"/> when the report cannot be read;
    /// <see cref="ErrorCodes.OutputError"/> when the zip cannot be written.</exception>
    public static IReadOnlyList<string> Write(string outDirectory, string zipPath, string html, string? sbomPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(zipPath);
        ArgumentNullException.ThrowIfNull(html);
        string reportPath = Path.Combine(outDirectory, ReportWriter.ReportFileName);
        var files = new List<(string Name, byte[] Data)>
        {
            (ReportWriter.ReportFileName, Required(reportPath, "report")),
            (RuntimeManifest.FileName, Required(Path.Combine(outDirectory, RuntimeManifest.FileName), "runtime manifest")),
        };
        Optional(files, ReportSignature.PathFor(reportPath), ReportWriter.ReportFileName + ReportSignature.Suffix);
        Optional(files, Path.Combine(outDirectory, ReportWriter.MarkdownFileName), ReportWriter.MarkdownFileName);
        files.Add((HtmlName, new UTF8Encoding(false).GetBytes(html)));
        string? baselineReport;
        try
        {
            baselineReport = ReportJson.Parse(Encoding.UTF8.GetString(files[0].Data)).Run.BaselineReport;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new InvarLockException(ErrorCodes.MalformedReport, $"{reportPath}: not a valid evaluation report ({e.Message.ReplaceLineEndings(" ")})");
        }
        if (baselineReport is not null)
        {
            files.Add((BaselineReportName, Required(baselineReport, "baseline report the run reused")));
        }
        if (sbomPath is not null)
        {
            files.Add((SbomName, Required(sbomPath, "SBOM")));
        }
        var checksums = new StringBuilder();
        foreach ((string name, byte[] data) in files)
        {
            checksums.Append(Digests.Sha256Hex(data)).Append("  ").Append(name).Append('\n');
        }
        files.Add((ChecksumsName, Encoding.ASCII.GetBytes(checksums.ToString())));
        WriteZip(zipPath, files);
        return files.ConvertAll(f => f.Name);
    }

    /// <summary>Extracts the bundle at <paramref name="zipPath"/> into <paramref name="directory"/> (which must be
    /// empty) after checking every entry name and size, and checks <see cref="ChecksumsName"/>: every file is listed
    /// and matches, nothing is listed that is missing. Returns the problems found (empty: intact).</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when the file is absent;
    /// <see cref="ErrorCodes.MalformedReport"/> when it is not a readable bundle.</exception>
    public static IReadOnlyList<string> Extract(string zipPath, string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(zipPath);
        if (!File.Exists(zipPath))
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{zipPath}: no such evidence bundle");
        }
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using ZipArchive zip = ZipFile.OpenRead(zipPath);
            if (zip.Entries.Count > MaxEntries)
            {
                throw Malformed(zipPath, $"has {zip.Entries.Count} entries; at most {MaxEntries} are allowed");
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                string? problem = ZipEntryName.Check(entry.FullName, 240);
                if (problem is not null)
                {
                    throw Malformed(zipPath, $"entry '{entry.FullName}' {problem}");
                }
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }
                if (!seen.Add(entry.FullName))
                {
                    throw Malformed(zipPath, $"entry '{entry.FullName}' appears twice (names are compared ignoring case)");
                }
                if (entry.Length > MaxEntryBytes)
                {
                    throw Malformed(zipPath, $"entry '{entry.FullName}' is larger than {MaxEntryBytes} bytes");
                }
                var data = new byte[entry.Length];
                using (Stream s = entry.Open())
                {
                    s.ReadExactly(data);
                }
                contents[entry.FullName] = data;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw Malformed(zipPath, $"not a readable zip ({e.Message.ReplaceLineEndings(" ")})");
        }
        string root = Path.GetFullPath(directory) + Path.DirectorySeparatorChar;
        foreach ((string name, byte[] data) in contents)
        {
            string destination = Path.GetFullPath(Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar)));
            if (!destination.StartsWith(root, StringComparison.Ordinal))
            {
                throw Malformed(zipPath, $"entry '{name}' leaves the extraction folder");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.WriteAllBytes(destination, data);
        }
        return CheckChecksums(contents);
    }

    private static List<string> CheckChecksums(Dictionary<string, byte[]> contents)
    {
        var problems = new List<string>();
        if (!contents.TryGetValue(ChecksumsName, out byte[]? listing))
        {
            problems.Add($"{ChecksumsName} is missing");
            return problems;
        }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = Encoding.UTF8.GetString(listing).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (string line in lines)
        {
            int gap = line.IndexOf("  ", StringComparison.Ordinal);
            if (gap != 64)
            {
                problems.Add($"{ChecksumsName}: malformed line '{line}' (expected '<sha256>  <file>')");
                continue;
            }
            string sha = line[..64], name = line[66..];
            listed.Add(name);
            if (!contents.TryGetValue(name, out byte[]? data))
            {
                problems.Add($"{name} is listed in {ChecksumsName} but missing from the bundle");
            }
            else if (!string.Equals(Digests.Sha256Hex(data), sha, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{name}: SHA-256 is {Digests.Sha256Hex(data)}, {ChecksumsName} says {sha} (changed after bundling)");
            }
        }
        foreach (string name in contents.Keys)
        {
            if (name != ChecksumsName && !listed.Contains(name))
            {
                problems.Add($"{name} is in the bundle but not listed in {ChecksumsName} (added after bundling)");
            }
        }
        problems.Sort(StringComparer.Ordinal);
        return problems;
    }

    private static byte[] Required(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{path}: no such file (the {what} to bundle)");
        }
        return File.ReadAllBytes(path);
    }

    private static void Optional(List<(string, byte[])> files, string path, string name)
    {
        if (File.Exists(path))
        {
            files.Add((name, File.ReadAllBytes(path)));
        }
    }

    private static void WriteZip(string zipPath, List<(string Name, byte[] Data)> files)
    {
        string full = Path.GetFullPath(zipPath);
        string temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                foreach ((string name, byte[] data) in files)
                {
                    ZipArchiveEntry entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                    entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
                    using Stream s = entry.Open();
                    s.Write(data);
                }
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{full}: cannot write the evidence bundle ({e.Message})");
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static InvarLockException Malformed(string zipPath, string problem) =>
        new(ErrorCodes.MalformedReport, $"{zipPath}: {problem}");
}
