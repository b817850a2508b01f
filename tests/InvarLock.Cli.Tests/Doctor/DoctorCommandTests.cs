using System.Text.Json;
using InvarLock.Cli.Tests.Plugins;

namespace InvarLock.Cli.Tests.Doctor;

/// <summary><c>invarlock doctor</c>: stable check ids, pass/warn/fail, exit code.</summary>
public sealed class DoctorCommandTests : IDisposable
{
    private readonly PluginCliHarness _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Doctor_Json_CleanInstall_EveryCheckPassesWithStableIds()
    {
        (int exit, string stdout, _) = _cli.Run("doctor", "--json", "--out", Path.Combine(_cli.Root, "out"));

        Assert.Equal(0, exit);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal("doctor-v1", doc.RootElement.GetProperty("result").GetProperty("format").GetString());
        string[] ids = doc.RootElement.GetProperty("result").GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["runtime", "compute.backend", "plugins.folder", "plugins.trust_list", "environment.flags", "output.folder",
            "checklist.network", "checklist.runtime", "checklist.sbom", "checklist.locked_dependencies", "checklist.audit", "checklist.sandbox"], ids);
        var status = doc.RootElement.GetProperty("result").GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => c.GetProperty("status").GetString());
        Assert.All(ids.Where(id => !id.StartsWith("checklist.", StringComparison.Ordinal)), id => Assert.Equal("pass", status[id]));
        Assert.Equal("pass", status["checklist.network"]);
        Assert.Equal("pass", status["checklist.runtime"]);
        // No SBOM ships beside a test build: the supply-chain items say so instead of passing.
        Assert.Equal("warn", status["checklist.sbom"]);
        Assert.Equal("warn", status["checklist.audit"]);
        Assert.Equal(0, doc.RootElement.GetProperty("result").GetProperty("summary").GetProperty("fail").GetInt32());
        Assert.False(Directory.Exists(Path.Combine(_cli.Root, "out"))); // doctor does not create the output folder
    }

    [Fact]
    public void Doctor_OutIsAFile_FailsWithExitCode1()
    {
        string file = Path.Combine(_cli.Root, "report.json");
        File.WriteAllText(file, "{}");

        (int exit, string stdout, _) = _cli.Run("doctor", "--out", file);

        Assert.Equal(1, exit);
        Assert.Contains("[FAIL] output.folder", stdout);
    }

    [Fact]
    public void Doctor_RelaxedFlagsAndSecret_WarnsAndRedactsSecret()
    {
        _cli.Environment["INVARLOCK_ALLOW_NETWORK"] = "1";
        _cli.Environment["INVARLOCK_HUB_TOKEN"] = "hf_abcdefghijklmnopqrstuvwxyz123456";

        (int exit, string stdout, _) = _cli.Run("doctor", "--json", "--out", Path.Combine(_cli.Root, "out"));

        Assert.Equal(0, exit);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        JsonElement env = doc.RootElement.GetProperty("result").GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("id").GetString() == "environment.flags");
        Assert.Equal("warn", env.GetProperty("status").GetString());
        Assert.Contains("network access allowed", env.GetProperty("message").GetString());
        Assert.DoesNotContain("hf_abcdef", stdout);
        Assert.Contains("INVARLOCK_HUB_TOKEN=<redacted>", env.GetProperty("message").GetString());
    }

    [Fact]
    public void Doctor_InstalledPluginWithoutFlag_WarnsPerPlugin()
    {
        using var vendor = PluginCliHarness.Certificate("Acme");
        _cli.Run("plugins", "trust", "add", PluginCliHarness.Fingerprint(vendor));
        _cli.Run("plugins", "install", _cli.WriteSignedPackage(vendor));

        (int exit, string stdout, _) = _cli.Run("doctor", "--out", Path.Combine(_cli.Root, "out"));

        Assert.Equal(0, exit);
        Assert.Contains("[WARN] plugins.package:Acme.Guards: Acme.Guards 1.0.0: installed, disabled (INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS not set)", stdout);
    }

    [Theory]
    [InlineData("clean", "pass", 0, "clean at 2026-01-02T03:04:05Z")]
    [InlineData("no-vulnerability-data", "warn", 0, "not performed at 2026-01-02T03:04:05Z: the package source served no vulnerability data")]
    [InlineData("vulnerable", "fail", 1, "1 open advisory(ies) at 2026-01-02T03:04:05Z")]
    public void Doctor_SbomWithAudit_ReportsTheAuditOutcome(string audit, string expected, int expectedExit, string message)
    {
        string folder = Path.Combine(_cli.Root, "supply");
        Directory.CreateDirectory(folder);
        string sbom = Path.Combine(folder, "sbom.cdx.json");
        File.WriteAllText(sbom, """{"bomFormat":"CycloneDX","specVersion":"1.7","components":[{"name":"YamlDotNet","version":"16.3.0"},{"name":"NuGet.Packaging","version":"8.0.0"}]}""");
        string findings = audit == "vulnerable" ? """[{"package":"X","version":"1.0.0","severity":"high","advisory":"GHSA-x","url":"u"}]""" : "[]";
        File.WriteAllText(Path.Combine(folder, "dependency-audit.json"),
            $$"""{"format":"invarlock-dependency-audit-v1","status":"{{audit}}","checked_at":"2026-01-02T03:04:05Z","findings":{{findings}},"excepted":[]}""");
        _cli.Environment["INVARLOCK_SBOM"] = sbom;

        (int exit, string stdout, _) = _cli.Run("doctor", "--json", "--out", Path.Combine(_cli.Root, "out"));

        Assert.Equal(expectedExit, exit);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        var checks = doc.RootElement.GetProperty("result").GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("id").GetString()!, c => (Status: c.GetProperty("status").GetString(), Message: c.GetProperty("message").GetString()!));
        Assert.Equal("pass", checks["checklist.sbom"].Status);
        Assert.Contains("(CycloneDX, 2 components)", checks["checklist.sbom"].Message);
        Assert.Equal(expected, checks["checklist.audit"].Status);
        Assert.Contains(message, checks["checklist.audit"].Message);
        // The test host runs packages this two-component SBOM does not list.
        Assert.Equal("warn", checks["checklist.locked_dependencies"].Status);
        Assert.Contains("differ from the SBOM", checks["checklist.locked_dependencies"].Message);
    }

    [Fact]
    public void Doctor_NetworkFlagSet_ChecklistWarns()
    {
        _cli.Environment["INVARLOCK_ALLOW_NETWORK"] = "1";

        (int exit, string stdout, _) = _cli.Run("doctor", "--out", Path.Combine(_cli.Root, "out"));

        Assert.Equal(0, exit);
        Assert.Contains("[WARN] checklist.network: INVARLOCK_ALLOW_NETWORK is set: unset it for production runs", stdout);
    }

    [Fact]
    public void Doctor_SbomNotCycloneDx_FailsNamingTheFile()
    {
        string sbom = Path.Combine(_cli.Root, "sbom.cdx.json");
        File.WriteAllText(sbom, "{\"hello\": 1}");
        _cli.Environment["INVARLOCK_SBOM"] = sbom;

        (int exit, string stdout, _) = _cli.Run("doctor", "--out", Path.Combine(_cli.Root, "out"));

        Assert.Equal(1, exit);
        Assert.Contains($"[FAIL] checklist.sbom: {sbom}: not a readable CycloneDX SBOM (bomFormat is not CycloneDX)", stdout);
    }
}
