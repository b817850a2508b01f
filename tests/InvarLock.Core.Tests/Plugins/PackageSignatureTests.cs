using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Author signatures through NuGet.Packaging: signing, the signed content hash, and each reason a signature is
/// refused.</summary>
public sealed class PackageSignatureTests : IDisposable
{
    private readonly X509Certificate2 _cert = TestCertificates.CodeSigning("Signature Tests");

    public void Dispose() => _cert.Dispose();

    [Fact]
    public void Sign_ThenVerify_ReturnsSignerFingerprintAndSubject()
    {
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), _cert);

        PackageSignature signature = PluginSignatureVerifier.Verify(signed, "minimal.nupkg");

        Assert.Equal(Convert.ToHexString(SHA256.HashData(_cert.RawData)), signature.Fingerprint);
        Assert.Equal("CN=Signature Tests", signature.Subject);
        Assert.InRange(signature.SigningTime, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public void Verify_SignedContentHash_IsSha256OfTheWholeUnsignedPackage()
    {
        byte[] unsigned = TestPackages.Minimal();

        PackageSignature signature = PluginSignatureVerifier.Verify(PackageSigner.Sign(unsigned, _cert), "p");

        Assert.Equal(Convert.ToBase64String(SHA256.HashData(unsigned)), signature.ContentHash);
    }

    [Fact]
    public void Verify_UnsignedPackage_Refused()
    {
        var e = Assert.Throws<InvarLockException>(() => PluginSignatureVerifier.Verify(TestPackages.Minimal(), "u.nupkg"));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.StartsWith("u.nupkg: package is not signed", e.Message);
    }

    [Fact]
    public void Verify_OneByteChangedAfterSigning_Refused()
    {
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), _cert);
        signed[40] ^= 0x01; // inside the first entry's data

        var e = Assert.ThrowsAny<InvarLockException>(() => PluginSignatureVerifier.Verify(signed, "t.nupkg"));

        Assert.Contains("does not match its signature", e.Message);
    }

    [Fact]
    public void Verify_SignatureFromAnotherPackage_Refused()
    {
        byte[] other = PackageSigner.Sign(TestPackages.Minimal(id: "Acme.Other"), _cert);
        byte[] transplanted = PackageSigner.WithSignature(TestPackages.Minimal(), PackageSigner.SignatureOf(other));

        var e = Assert.ThrowsAny<InvarLockException>(() => PluginSignatureVerifier.Verify(transplanted, "t.nupkg"));

        Assert.Contains("does not match its signature", e.Message);
    }

    [Fact]
    public void Verify_CertificateWithoutCodeSigningUsage_Refused()
    {
        using X509Certificate2 tls = TestCertificates.CodeSigning("Server", codeSigningEku: false);
        byte[] signed = PackageSigner.SignUnchecked(TestPackages.Minimal(), tls);

        var e = Assert.Throws<InvarLockException>(() => PluginSignatureVerifier.Verify(signed, "t.nupkg"));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.StartsWith("t.nupkg: signature refused (NU3", e.Message);
    }

    [Fact]
    public void Verify_CertificateExpiredBeforeVerification_RefusedBecauseThereIsNoTimestamp()
    {
        using X509Certificate2 expired = TestCertificates.CodeSigning("Expired",
            DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(-30));
        byte[] signed = PackageSigner.SignUnchecked(TestPackages.Minimal(), expired);

        var e = Assert.Throws<InvarLockException>(() => PluginSignatureVerifier.Verify(signed, "t.nupkg"));

        Assert.Contains("signing certificate is not valid now", e.Message);
    }

    [Fact]
    public void SignUnchecked_ValidCertificate_Verifies()
    {
        // The helper the two tests above use makes signatures NuGet accepts when nothing is wrong with the certificate.
        PackageSignature signature = PluginSignatureVerifier.Verify(PackageSigner.SignUnchecked(TestPackages.Minimal(), _cert), "t.nupkg");

        Assert.Equal(PluginSignatureVerifier.Fingerprint(_cert), signature.Fingerprint);
    }

    [Fact]
    public void Verify_SignatureNotLastEntry_Refused()
    {
        byte[] signed = PackageSigner.Sign(TestPackages.Minimal(), _cert);
        byte[] moved = TestPackages.Zip(TestPackages.Read(signed).OrderBy(e => e.Name == ".signature.p7s" ? 0 : 1));

        var e = Assert.Throws<InvarLockException>(() => PluginSignatureVerifier.Verify(moved, "t.nupkg"));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.StartsWith("t.nupkg: ", e.Message);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Verify_PackageSignedByDotnetNugetSign_Verifies()
    {
        using var dir = new TempFolder("invarlock-nuget-sign");
        string package = Path.Combine(dir.Path, "Acme.Minimal.1.0.0.nupkg");
        File.WriteAllBytes(package, TestPackages.Minimal());
        string pfx = Path.Combine(dir.Path, "signer.pfx");
        File.WriteAllBytes(pfx, _cert.Export(X509ContentType.Pfx, "test-password"));

        SamplePluginFixture.DotNet(dir.Path, "nuget", "sign", package, "--certificate-path", pfx, "--certificate-password", "test-password", "--overwrite");
        PackageSignature signature = PluginSignatureVerifier.Verify(File.ReadAllBytes(package), "Acme.Minimal.1.0.0.nupkg");

        Assert.Equal(PluginSignatureVerifier.Fingerprint(_cert), signature.Fingerprint);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void DotnetNugetVerify_PackageSignedByTheTestSigner_Accepted()
    {
        using var dir = new TempFolder("invarlock-nuget-verify");
        string package = Path.Combine(dir.Path, "Acme.Minimal.1.0.0.nupkg");
        File.WriteAllBytes(package, PackageSigner.Sign(TestPackages.Minimal(), _cert));

        string output = DotnetNugetVerify.Run(dir.Path, package, _cert);

        // The helper throws unless the exit code is 0; NuGet only warns that the signature has no timestamp.
        Assert.Contains("Verifying Acme.Minimal.1.0.0", output);
        Assert.DoesNotContain("error", output, StringComparison.OrdinalIgnoreCase);
    }
}
