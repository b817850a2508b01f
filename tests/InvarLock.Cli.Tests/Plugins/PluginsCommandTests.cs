using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace InvarLock.Cli.Tests.Plugins;

/// <summary><c>invarlock plugins …</c> end to end through the command line.</summary>
public sealed class PluginsCommandTests : IDisposable
{
    private readonly PluginCliHarness _cli = new();
    private readonly X509Certificate2 _vendor = PluginCliHarness.Certificate("Acme Signing");

    public void Dispose()
    {
        _vendor.Dispose();
        _cli.Dispose();
    }

    [Fact]
    public void List_Json_ShowsFirstPartyComponentsAsEnabled()
    {
        (int exit, string stdout, _) = _cli.Run("plugins", "list", "--json");

        Assert.Equal(0, exit);
        using JsonDocument doc = JsonDocument.Parse(stdout);
        Assert.Equal("plugins-v1", doc.RootElement.GetProperty("result").GetProperty("format").GetString());
        Assert.False(doc.RootElement.GetProperty("result").GetProperty("third_party_enabled").GetBoolean());
        JsonElement[] items = doc.RootElement.GetProperty("result").GetProperty("items").EnumerateArray().ToArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Equal("first-party", i.GetProperty("origin").GetString()));
        Assert.All(items, i => Assert.Equal("enabled", i.GetProperty("status").GetString()));
    }

    [Fact]
    public void TrustAddInstallList_WithoutFlag_PluginListedInstalledDisabled()
    {
        string package = _cli.WriteSignedPackage(_vendor);

        Assert.Equal(0, _cli.Run("plugins", "trust", "add", PluginCliHarness.Fingerprint(_vendor), "--name", "Acme").Exit);
        (int installExit, string installOut, string installErr) = _cli.Run("plugins", "install", package);
        (int listExit, string listOut, _) = _cli.Run("plugins", "list", "--json");

        Assert.True(installExit == 0, installErr);
        Assert.Contains("installed Acme.Guards 1.0.0", installOut);
        Assert.Contains("INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS=1", installOut);
        Assert.Equal(0, listExit);
        using JsonDocument doc = JsonDocument.Parse(listOut);
        JsonElement item = doc.RootElement.GetProperty("result").GetProperty("items").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "acme_guard");
        Assert.Equal("third-party", item.GetProperty("origin").GetString());
        Assert.Equal("Acme.Guards", item.GetProperty("package").GetString());
        Assert.Equal(PluginCliHarness.Fingerprint(_vendor), item.GetProperty("signer").GetString());
        Assert.Equal("installed, disabled (INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS not set)", item.GetProperty("status").GetString());
    }

    [Fact]
    public void List_WithFlagAndTamperedFile_ShowsRefusedWithReason()
    {
        _cli.Run("plugins", "trust", "add", PluginCliHarness.Fingerprint(_vendor));
        _cli.Run("plugins", "install", _cli.WriteSignedPackage(_vendor));
        File.AppendAllText(Path.Combine(_cli.PluginsDirectory, "acme.guards", "1.0.0", "files", "Acme.Guards.dll"), "!");
        _cli.Environment["INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS"] = "1";

        (int exit, string stdout, _) = _cli.Run("plugins", "list");

        Assert.Equal(0, exit);
        Assert.Contains("refused (Acme.Guards 1.0.0: file 'Acme.Guards.dll' changed since install", stdout);
    }

    [Fact]
    public void Install_UntrustedSigner_ExitCode2AndNothingInstalled()
    {
        (int exit, _, string stderr) = _cli.Run("plugins", "install", _cli.WriteSignedPackage(_vendor));

        Assert.Equal(2, exit);
        Assert.Contains("error IL4001", stderr);
        Assert.Contains("is not on the trust list", stderr);
        Assert.False(Directory.Exists(Path.Combine(_cli.PluginsDirectory, "acme.guards")));
    }

    [Fact]
    public void Install_IncompatibleSdk_ExitCode2()
    {
        _cli.Run("plugins", "trust", "add", PluginCliHarness.Fingerprint(_vendor));

        (int exit, _, string stderr) = _cli.Run("plugins", "install", _cli.WriteSignedPackage(_vendor, sdkVersion: "2.0"));

        Assert.Equal(2, exit);
        Assert.Contains("incompatible", stderr);
    }

    [Fact]
    public void Remove_ByComponentName_Uninstalls()
    {
        _cli.Run("plugins", "trust", "add", PluginCliHarness.Fingerprint(_vendor));
        _cli.Run("plugins", "install", _cli.WriteSignedPackage(_vendor));

        (int exit, string stdout, _) = _cli.Run("plugins", "remove", "acme_guard");
        (int again, _, string stderr) = _cli.Run("plugins", "remove", "acme_guard");

        Assert.Equal(0, exit);
        Assert.Contains("removed Acme.Guards 1.0.0", stdout);
        Assert.Equal(2, again);
        Assert.Contains("no installed plugin", stderr);
    }

    [Fact]
    public void Verify_SignedPackage_PrintsFingerprintAndTrustHint()
    {
        (int exit, string stdout, _) = _cli.Run("plugins", "verify", _cli.WriteSignedPackage(_vendor));

        Assert.Equal(0, exit);
        Assert.Contains($"invarlock plugins trust add {PluginCliHarness.Fingerprint(_vendor)}", stdout);
    }

    [Fact]
    public void Trust_AddListRemove_RoundTrips()
    {
        string fp = PluginCliHarness.Fingerprint(_vendor);

        _cli.Run("plugins", "trust", "add", fp, "--name", "Acme");
        (_, string listed, _) = _cli.Run("plugins", "trust", "list", "--json");
        (int removeExit, _, _) = _cli.Run("plugins", "trust", "remove", "Acme");
        (_, string after, _) = _cli.Run("plugins", "trust", "list");
        (int badExit, _, string badErr) = _cli.Run("plugins", "trust", "add", "not-a-fingerprint");

        using JsonDocument doc = JsonDocument.Parse(listed);
        Assert.Equal(fp, doc.RootElement.GetProperty("result").GetProperty("signers")[0].GetProperty("fingerprint").GetString());
        Assert.Equal(0, removeExit);
        Assert.Contains("no trusted signers", after);
        Assert.Equal(2, badExit);
        Assert.Contains("error IL1001", badErr);
    }
}
