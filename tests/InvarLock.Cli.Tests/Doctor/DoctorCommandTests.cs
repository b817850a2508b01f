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
        Assert.Equal(["runtime", "compute.backend", "plugins.folder", "plugins.trust_list", "environment.flags", "output.folder"], ids);
        Assert.All(doc.RootElement.GetProperty("result").GetProperty("checks").EnumerateArray(), c => Assert.Equal("pass", c.GetProperty("status").GetString()));
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
}
