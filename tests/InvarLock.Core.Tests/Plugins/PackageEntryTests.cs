using System.IO.Compression;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using InvarLock.Core.Plugins;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Safe extraction: entry names, links, counts and sizes are checked before anything is written.</summary>
public sealed class PackageEntryTests : IDisposable
{
    private readonly X509Certificate2 _cert = TestCertificates.CodeSigning("Entry Tests");
    private readonly PluginSandbox _sandbox = new();

    public void Dispose()
    {
        _cert.Dispose();
        _sandbox.Dispose();
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("plugin/../../evil.txt")]
    [InlineData("plugin/./x.dll")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/evil.dll")]
    [InlineData("plugin\\..\\evil.dll")]
    [InlineData("plugin//x.dll")]
    [InlineData("plugin/x\u0001.dll")]
    public void Check_UnsafeEntryName_ReturnsProblem(string name) =>
        Assert.NotNull(ZipEntryName.Check(name, 240));

    [Theory]
    [InlineData("plugin/Acme.dll")]
    [InlineData("plugin/runtimes/linux-x64/native/libacme.so")]
    [InlineData("_rels/.rels")]
    [InlineData("[Content_Types].xml")]
    [InlineData("plugin/")]
    public void Check_SafeEntryName_ReturnsNull(string name) =>
        Assert.Null(ZipEntryName.Check(name, 240));

    [Theory]
    [InlineData("plugin/../../escaped.txt")]
    [InlineData("../escaped.txt")]
    public void Install_SignedTrustedPackageWithTraversalEntry_RefusedAndNothingWritten(string entry)
    {
        byte[] package = PackageSigner.Sign(TestPackages.Minimal(extra: [(entry, Encoding.UTF8.GetBytes("owned"))]), _cert);
        var installer = Installer();
        string[] before = Directory.GetFileSystemEntries(_sandbox.Root, "*", SearchOption.AllDirectories);

        var e = Assert.Throws<InvarLockException>(() => installer.Install(package, "evil.nupkg"));

        Assert.Contains("path traversal", e.Message);
        Assert.Equal(before, Directory.GetFileSystemEntries(_sandbox.Root, "*", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(_sandbox.Root, "escaped.txt")));
        Assert.False(File.Exists(Path.Combine(_sandbox.Home, "escaped.txt")));
    }

    [Fact]
    public void Install_SymbolicLinkEntry_Refused()
    {
        byte[] zip = TestPackages.Minimal(extra: [("plugin/link.dll", Encoding.UTF8.GetBytes("/etc/passwd"))]);
        byte[] linked = MarkAsUnixSymlink(zip, "plugin/link.dll");
        byte[] package = PackageSigner.Sign(linked, _cert);

        var e = Assert.Throws<InvarLockException>(() => Installer().Install(package, "link.nupkg"));

        Assert.Contains("symbolic link", e.Message);
    }

    [Fact]
    public void Install_TooManyEntries_Refused()
    {
        var extra = Enumerable.Range(0, 20).Select(i => ($"plugin/f{i}.txt", new byte[] { 1 }));
        byte[] package = PackageSigner.Sign(TestPackages.Minimal(extra: extra), _cert);
        var installer = Installer(new PackageLimits { MaxEntries = 10 });

        var e = Assert.Throws<InvarLockException>(() => installer.Install(package, "many.nupkg"));

        Assert.Contains("at most 10 are allowed", e.Message);
    }

    [Fact]
    public void Install_EntryOverSizeLimit_Refused()
    {
        byte[] package = PackageSigner.Sign(TestPackages.Minimal(extra: [("plugin/big.bin", new byte[4096])]), _cert);
        var installer = Installer(new PackageLimits { MaxEntryBytes = 1024 });

        var e = Assert.Throws<InvarLockException>(() => installer.Install(package, "big.nupkg"));

        Assert.Contains("larger than 1024 bytes", e.Message);
    }

    [Fact]
    public void Install_HighlyCompressedEntry_RefusedAsZipBomb()
    {
        byte[] package = PackageSigner.Sign(TestPackages.Minimal(extra: [("plugin/zeros.bin", new byte[8 * 1024 * 1024])]), _cert);

        var e = Assert.Throws<InvarLockException>(() => Installer().Install(package, "bomb.nupkg"));

        Assert.Contains("zip bomb", e.Message);
    }

    [Fact]
    public void Install_DuplicateNamesDifferingInCase_Refused()
    {
        byte[] package = PackageSigner.Sign(TestPackages.Minimal(extra: [("plugin/ACME.MINIMAL.DLL", [9])]), _cert);

        var e = Assert.Throws<InvarLockException>(() => Installer().Install(package, "dup.nupkg"));

        Assert.Contains("appears twice", e.Message);
    }

    [Fact]
    public void Install_ManifestDisagreesWithNuspec_Refused()
    {
        byte[] unsigned = TestPackages.Rewrite(TestPackages.Minimal(), (name, data) =>
            name.EndsWith(".nuspec", StringComparison.Ordinal) ? TestPackages.Nuspec("Acme.Minimal", "2.0.0") : data);
        byte[] package = PackageSigner.Sign(unsigned, _cert);

        var e = Assert.Throws<InvarLockException>(() => Installer().Install(package, "mismatch.nupkg"));

        Assert.Contains("manifest says Acme.Minimal 1.0.0 but the package is Acme.Minimal 2.0.0", e.Message);
    }

    [Fact]
    public void Install_NotAZip_Refused()
    {
        var e = Assert.Throws<InvarLockException>(() => Installer().Install(Encoding.UTF8.GetBytes("hello"), "text.nupkg"));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.StartsWith("text.nupkg: not a valid zip package (", e.Message);
    }

    private PluginInstaller Installer(PackageLimits? limits = null)
    {
        var trust = new TrustStore(_sandbox.TrustFile);
        trust.Add(PluginSignatureVerifier.Fingerprint(_cert));
        return new PluginInstaller(_sandbox.PluginsDirectory, trust, limits);
    }

    /// <summary>Rewrites <paramref name="zip"/> with the S_IFLNK Unix file mode on one entry (as zip tools store a link).</summary>
    private static byte[] MarkAsUnixSymlink(byte[] zip, string entryName)
    {
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] data) in TestPackages.Read(zip))
            {
                ZipArchiveEntry entry = archive.CreateEntry(name);
                if (name == entryName)
                {
                    entry.ExternalAttributes = unchecked((int)(0xA1FFu << 16)); // S_IFLNK | 0777
                }
                using Stream s = entry.Open();
                s.Write(data);
            }
        }
        return output.ToArray();
    }
}
