using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;

namespace InvarLock.Cli.Tests.Signing;

/// <summary><c>invarlock bundle</c> and <c>invarlock verify FILE.zip</c> through the command line.</summary>
public sealed class EvidenceBundleTests(SignedReportFixture fixture) : IClassFixture<SignedReportFixture>
{
    private const string Sbom = """{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}""";

    [Fact]
    public void Bundle_SignedRun_HoldsEveryEvidenceFileAndVerifyPassesWithTrustedSigner()
    {
        string zip = Bundle(fixture.OutDirectory, out string stdout);

        Assert.Contains($"Wrote {zip}", stdout);
        Assert.Equal(
            ["checksums.sha256", "evaluation.report.html", "evaluation.report.json", "evaluation.report.json.p7s", "evaluation.report.md",
                "runtime.manifest.json", "sbom.cdx.json"],
            Entries(zip).Keys.Order(StringComparer.Ordinal).ToArray());
        var (exit, json, _) = CliRun.Invoke("verify", zip, "--trusted-signer", fixture.SignerFingerprint, "--json");
        Assert.Equal(0, exit);
        JsonArray checks = JsonNode.Parse(json)!["result"]!["results"]![0]!["checks"]!.AsArray();
        Assert.True((bool)checks.Single(c => (string?)c!["id"] == "bundle_checksums")!["ok"]!);
        Assert.True((bool)checks.Single(c => (string?)c!["id"] == "signature")!["ok"]!);
        Assert.Equal(zip, (string?)JsonNode.Parse(json)!["result"]!["results"]![0]!["path"]);
    }

    [Fact]
    public void Bundle_ChecksumsFile_IsSha256sumFormatOverEveryOtherFile()
    {
        string zip = Bundle(fixture.OutDirectory, out _);
        Dictionary<string, byte[]> entries = Entries(zip);

        string[] lines = Encoding.ASCII.GetString(entries["checksums.sha256"]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(entries.Count - 1, lines.Length);
        foreach (string line in lines)
        {
            string name = line[66..];
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(entries[name])) + "  " + name, line);
        }
    }

    [Fact]
    public void Verify_BundleWithAFileChangedAfterBundling_Malformed()
    {
        string zip = Bundle(fixture.OutDirectory, out _);
        Rewrite(zip, entries => entries["evaluation.report.md"] = Encoding.UTF8.GetBytes("# all good, trust me\n"));

        var (exit, stdout, _) = CliRun.Invoke("verify", zip);

        Assert.Equal(2, exit);
        Assert.Contains("evaluation.report.md: SHA-256 is", stdout);
        Assert.Contains("(changed after bundling)", stdout);
    }

    [Fact]
    public void Verify_BundleWithAFileAdded_Malformed()
    {
        string zip = Bundle(fixture.OutDirectory, out _);
        Rewrite(zip, entries => entries["notes.txt"] = [1, 2, 3]);

        var (exit, stdout, _) = CliRun.Invoke("verify", zip);

        Assert.Equal(2, exit);
        Assert.Contains("notes.txt is in the bundle but not listed in checksums.sha256 (added after bundling)", stdout);
    }

    [Fact]
    public void Verify_BundleWithTraversalEntry_MalformedAndNothingWrittenOutside()
    {
        string zip = Bundle(fixture.OutDirectory, out _);
        Rewrite(zip, entries => entries["../escaped.txt"] = [1]);

        var (exit, stdout, _) = CliRun.Invoke("verify", zip);

        Assert.Equal(2, exit);
        Assert.Contains("has a '.' or '..' segment (path traversal)", stdout);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "escaped.txt")));
    }

    [Fact]
    public void Bundle_RunThatReusedABaselineReport_CarriesItAndVerifyChecksAgainstIt()
    {
        string outDir = Path.Combine(fixture.NewFolder(), "reuse");
        string baselineReport = Path.Combine(fixture.OutDirectory, "evaluation.report.json");
        var (evalExit, evalOut, evalErr) = CliRun.Invoke("evaluate", "--baseline-report", baselineReport, "--edit", "noop", "--out", outDir);
        Assert.True(evalExit == 0, evalOut + evalErr);

        string zip = Bundle(outDir, out _);
        var (exit, json, _) = CliRun.Invoke("verify", zip, "--json");

        Assert.Equal(File.ReadAllBytes(baselineReport), Entries(zip)["baseline/evaluation.report.json"]);
        Assert.Equal(0, exit);
        JsonArray checks = JsonNode.Parse(json)!["result"]!["results"]![0]!["checks"]!.AsArray();
        Assert.Contains(checks, c => ((string?)c!["id"])!.StartsWith("baseline", StringComparison.Ordinal) && (bool)c["ok"]!);
    }

    [Fact]
    public void Bundle_FolderWithoutReport_MissingFileError()
    {
        string empty = fixture.NewFolder();

        var (exit, _, stderr) = CliRun.Invoke("bundle", empty);

        Assert.Equal(2, exit);
        Assert.Contains($"error IL2001: {Path.Combine(empty, "evaluation.report.json")}", stderr);
        Assert.False(File.Exists(empty + ".evidence.zip"));
    }

    [Fact]
    public void Verify_NotAZip_Malformed()
    {
        string zip = Path.Combine(fixture.NewFolder(), "fake.zip");
        File.WriteAllText(zip, "not a zip");

        var (exit, stdout, _) = CliRun.Invoke("verify", zip);

        Assert.Equal(2, exit);
        Assert.Contains($"{zip}: not a readable zip", stdout);
    }

    private string Bundle(string outDir, out string stdout)
    {
        string folder = fixture.NewFolder();
        string sbom = Path.Combine(folder, "sbom.cdx.json");
        File.WriteAllText(sbom, Sbom);
        string zip = Path.Combine(folder, "evidence.zip");
        var (exit, output, stderr) = CliRun.Invoke("bundle", outDir, "-o", zip, "--sbom", sbom);
        Assert.True(exit == 0, output + stderr);
        stdout = output;
        return zip;
    }

    private static Dictionary<string, byte[]> Entries(string zip)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using ZipArchive archive = ZipFile.OpenRead(zip);
        foreach (ZipArchiveEntry e in archive.Entries)
        {
            using Stream s = e.Open();
            using var copy = new MemoryStream();
            s.CopyTo(copy);
            result[e.FullName] = copy.ToArray();
        }
        return result;
    }

    private static void Rewrite(string zip, Action<Dictionary<string, byte[]>> change)
    {
        Dictionary<string, byte[]> entries = Entries(zip);
        change(entries);
        File.Delete(zip);
        using ZipArchive archive = ZipFile.Open(zip, ZipArchiveMode.Create);
        foreach ((string name, byte[] data) in entries)
        {
            using Stream s = archive.CreateEntry(name).Open();
            s.Write(data);
        }
    }
}
