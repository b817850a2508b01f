using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>The NuGet author-signature format: signing, the content hash, and each reason a signature is refused.</summary>
public sealed class PackageSignatureTests : IDisposable
{
    private readonly X509Certificate2 _cert = TestCertificates.CodeSigning("Signature Tests");

    public void Dispose() => _cert.Dispose();

    [Fact]
    public void Sign_ThenVerify_ReturnsSignerFingerprintAndSigningTime()
    {
        var at = new DateTimeOffset(DateTime.UtcNow.AddMinutes(-10).Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), _cert, at);

        PackageSignature signature = PackageSignatureVerifier.Verify(signed, "minimal.nupkg");

        Assert.Equal(Convert.ToHexString(SHA256.HashData(_cert.RawData)), signature.Fingerprint);
        Assert.Equal(at, signature.SigningTime);
        Assert.Equal("CN=Signature Tests", signature.Subject);
    }

    [Fact]
    public void UnsignedContent_OfSignedPackage_IsTheOriginalPackageBytes()
    {
        byte[] unsigned = TestPackages.Minimal();
        byte[] signed = PackageSigner.Sign(unsigned, _cert);

        PackageArchive archive = PackageArchive.Read(signed, "p", PackageLimits.Default);

        Assert.Equal(unsigned, archive.UnsignedContent());
        Assert.Equal(".signature.p7s", archive.Entries[^1].Name);
    }

    [Fact]
    public void Verify_SignatureContent_IsNuGetVersion1Format()
    {
        byte[] unsigned = TestPackages.Minimal();
        byte[] signed = PackageSigner.Sign(unsigned, _cert);
        PackageArchive archive = PackageArchive.Read(signed, "p", PackageLimits.Default);
        var cms = new System.Security.Cryptography.Pkcs.SignedCms();
        cms.Decode(archive.StoredData(archive.SignatureEntry!).ToArray());

        string content = System.Text.Encoding.UTF8.GetString(cms.ContentInfo.Content);

        Assert.Equal($"Version:1\n\n2.16.840.1.101.3.4.2.1-Hash:{Convert.ToBase64String(SHA256.HashData(unsigned))}\n\n", content);
    }

    [Fact]
    public void Verify_UnsignedPackage_Refused()
    {
        var e = Assert.Throws<InvarLockException>(() => PackageSignatureVerifier.Verify(TestPackages.Minimal(), "u.nupkg"));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.StartsWith("u.nupkg: package is not signed", e.Message);
    }

    [Fact]
    public void Verify_OneByteChangedAfterSigning_Refused()
    {
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), _cert);
        signed[40] ^= 0x01; // inside the first entry's data

        var e = Assert.ThrowsAny<InvarLockException>(() => PackageSignatureVerifier.Verify(signed, "t.nupkg"));

        Assert.Contains("does not match its signature", e.Message);
    }

    [Fact]
    public void Verify_SignatureFromAnotherPackage_Refused()
    {
        byte[] other = PackageSigner.Sign(TestPackages.Minimal(id: "Acme.Other"), _cert);
        PackageArchive otherArchive = PackageArchive.Read(other, "o", PackageLimits.Default);
        byte[] transplanted = PackageSigner.AppendStoredEntry(TestPackages.Minimal(), ".signature.p7s",
            otherArchive.StoredData(otherArchive.SignatureEntry!).ToArray());

        var e = Assert.ThrowsAny<InvarLockException>(() => PackageSignatureVerifier.Verify(transplanted, "t.nupkg"));

        Assert.Contains("does not match its signature", e.Message);
    }

    [Fact]
    public void Verify_CertificateWithoutCodeSigningUsage_Refused()
    {
        using X509Certificate2 tls = TestCertificates.CodeSigning("Server", codeSigningEku: false);
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), tls);

        var e = Assert.Throws<InvarLockException>(() => PackageSignatureVerifier.Verify(signed, "t.nupkg"));

        Assert.Contains("not for code signing", e.Message);
    }

    [Fact]
    public void Verify_SigningTimeAfterCertificateExpired_Refused()
    {
        using X509Certificate2 expired = TestCertificates.CodeSigning("Expired",
            DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(-30));
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), expired, DateTimeOffset.UtcNow.AddDays(-1));

        var e = Assert.Throws<InvarLockException>(() => PackageSignatureVerifier.Verify(signed, "t.nupkg"));

        Assert.Contains("was not valid at signing time", e.Message);
    }

    [Fact]
    public void Verify_SigningTimeInTheFuture_Refused()
    {
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), _cert, DateTimeOffset.UtcNow.AddDays(2));

        var e = Assert.Throws<InvarLockException>(() => PackageSignatureVerifier.Verify(signed, "t.nupkg"));

        Assert.Contains("is in the future", e.Message);
    }

    [Fact]
    public void Verify_SignatureNotLastEntry_Refused()
    {
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), _cert);
        byte[] moved = TestPackages.Zip(TestPackages.Read(signed).OrderBy(e => e.Name == ".signature.p7s" ? 0 : 1));

        var e = Assert.Throws<InvarLockException>(() => PackageSignatureVerifier.Verify(moved, "t.nupkg"));

        Assert.Contains("last entry", e.Message);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Verify_PackageSignedByDotnetNugetSign_Verifies()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"invarlock-nuget-sign-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string package = Path.Combine(dir, "Acme.Minimal.1.0.0.nupkg");
            File.WriteAllBytes(package, TestPackages.Minimal());
            string pfx = Path.Combine(dir, "signer.pfx");
            File.WriteAllBytes(pfx, _cert.Export(X509ContentType.Pfx, "test-password"));

            SamplePluginFixture.DotNet(dir, "nuget", "sign", package, "--certificate-path", pfx, "--certificate-password", "test-password", "--overwrite");
            PackageSignature signature = PackageSignatureVerifier.Verify(File.ReadAllBytes(package), "Acme.Minimal.1.0.0.nupkg");

            Assert.Equal(PackageSignatureVerifier.Fingerprint(_cert), signature.Fingerprint);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
