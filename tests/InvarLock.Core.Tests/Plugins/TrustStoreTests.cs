using InvarLock.Core.Plugins;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Plugins;

public sealed class TrustStoreTests : IDisposable
{
    private const string Fingerprint = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF";
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void Add_ThenList_ReturnsSignerWithName()
    {
        var store = new TrustStore(_sandbox.TrustFile);

        store.Add(Fingerprint.ToLowerInvariant(), "Contoso");

        TrustedSigner signer = Assert.Single(new TrustStore(_sandbox.TrustFile).List());
        Assert.Equal(Fingerprint, signer.Fingerprint);
        Assert.Equal("Contoso", signer.Name);
        Assert.True(store.IsTrusted(Fingerprint));
    }

    [Fact]
    public void Add_FingerprintWithColons_IsNormalised()
    {
        string colons = string.Join(':', Enumerable.Range(0, 32).Select(i => Fingerprint.Substring(i * 2, 2)));
        var store = new TrustStore(_sandbox.TrustFile);

        store.Add(colons);

        Assert.Equal(Fingerprint, Assert.Single(store.List()).Fingerprint);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("ZZ23456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF00")]
    public void Add_NotASha256Fingerprint_UsageError(string fingerprint)
    {
        var e = Assert.Throws<InvarLockException>(() => new TrustStore(_sandbox.TrustFile).Add(fingerprint));

        Assert.Equal(ErrorCodes.Usage, e.Code);
        Assert.False(File.Exists(_sandbox.TrustFile));
    }

    [Fact]
    public void Remove_ByFingerprintOrName_RemovesOnlyThatSigner()
    {
        var store = new TrustStore(_sandbox.TrustFile);
        store.Add(Fingerprint, "Contoso");
        store.Add(new string('A', 64), "Fabrikam");

        Assert.True(store.Remove("Contoso"));
        Assert.False(store.Remove("Contoso"));
        Assert.True(store.Remove(new string('a', 64)));

        Assert.Empty(store.List());
    }

    [Fact]
    public void Add_WritesOwnerOnlyFileWithoutLeavingTemporaries()
    {
        new TrustStore(_sandbox.TrustFile).Add(Fingerprint);

        Assert.Equal([_sandbox.TrustFile], Directory.GetFiles(Path.GetDirectoryName(_sandbox.TrustFile)!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_sandbox.TrustFile));
        }
    }

    [Fact]
    public void CheckPermissions_WorldWritableTrustFile_ReportsProblem()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var store = new TrustStore(_sandbox.TrustFile);
        store.Add(Fingerprint);
        File.SetUnixFileMode(_sandbox.TrustFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);

        Assert.Contains("writable by other users", store.CheckPermissions());
    }

    [Fact]
    public void List_MalformedFile_RefusedNamingTheFile()
    {
        File.WriteAllText(_sandbox.TrustFile, "{\"signers\": 3}");

        var e = Assert.Throws<InvarLockException>(() => new TrustStore(_sandbox.TrustFile).List());

        Assert.StartsWith($"{_sandbox.TrustFile}: malformed trust list", e.Message);
    }
}
