using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using InvarLock.Core.Security;
using InvarLock.Core.Tests.Plugins;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Security;

/// <summary>Detached CMS signatures over a report's canonical bytes, and loading the signing certificate.</summary>
public sealed class ReportSignatureTests : IDisposable
{
    private static readonly JsonObject Report = JsonNode.Parse("""{"schema_version":"x","subject":{"path":"/m","weights_sha256":"ab"},"n":1.5}""")!.AsObject();
    private readonly X509Certificate2 _cert = TestCertificates.CodeSigning("Report Signer (test)");
    private readonly TempFolder _temp = new("invarlock-report-signature");

    public void Dispose()
    {
        _cert.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Sign_ThenVerify_ReturnsSignerFingerprintSubjectAndTime()
    {
        DateTimeOffset at = Truncated(DateTimeOffset.UtcNow);
        byte[] canonical = ReportSignature.CanonicalBytes(Report);

        ReportSignerIdentity signer = ReportSignature.Verify(canonical, ReportSignature.Sign(canonical, _cert, at), "r.p7s", DateTimeOffset.UtcNow);

        Assert.Equal(Convert.ToHexString(SHA256.HashData(_cert.RawData)), signer.Fingerprint);
        Assert.Equal("CN=Report Signer (test)", signer.Subject);
        Assert.Equal(at, signer.SigningTime);
    }

    [Fact]
    public void CanonicalBytes_ReorderedMembers_SameBytes()
    {
        var reordered = JsonNode.Parse("""{"n":1.50,"subject":{"weights_sha256":"ab","path":"/m"},"schema_version":"x"}""")!.AsObject();

        Assert.Equal(ReportSignature.CanonicalBytes(Report), ReportSignature.CanonicalBytes(reordered));
    }

    [Fact]
    public void Verify_ReportChangedAfterSigning_Refused()
    {
        byte[] signature = ReportSignature.Sign(ReportSignature.CanonicalBytes(Report), _cert, DateTimeOffset.UtcNow);
        var forged = (JsonObject)Report.DeepClone();
        forged["subject"]!["weights_sha256"] = "cd";

        var e = Assert.Throws<InvarLockException>(() =>
            ReportSignature.Verify(ReportSignature.CanonicalBytes(forged), signature, "r.p7s", DateTimeOffset.UtcNow));

        Assert.Equal(ErrorCodes.MalformedReport, e.Code);
        Assert.Equal("r.p7s: signature does not match the report (the report changed after it was signed, or the signature belongs to another report)", e.Message);
    }

    [Fact]
    public void Verify_NotCms_Refused()
    {
        var e = Assert.Throws<InvarLockException>(() =>
            ReportSignature.Verify(ReportSignature.CanonicalBytes(Report), [1, 2, 3], "r.p7s", DateTimeOffset.UtcNow));

        Assert.StartsWith("r.p7s: signature not a CMS signature (", e.Message);
    }

    [Fact]
    public void Verify_SignedAfterCertificateExpired_Refused()
    {
        using X509Certificate2 expired = TestCertificates.CodeSigning("Expired", DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(-30));
        byte[] canonical = ReportSignature.CanonicalBytes(Report);

        var e = Assert.Throws<InvarLockException>(() =>
            ReportSignature.Verify(canonical, ReportSignature.Sign(canonical, expired, DateTimeOffset.UtcNow), "r.p7s", DateTimeOffset.UtcNow));

        Assert.Contains("the signing certificate was not valid at signing time", e.Message);
    }

    [Fact]
    public void Verify_SigningTimeInTheFuture_Refused()
    {
        byte[] canonical = ReportSignature.CanonicalBytes(Report);

        var e = Assert.Throws<InvarLockException>(() =>
            ReportSignature.Verify(canonical, ReportSignature.Sign(canonical, _cert, DateTimeOffset.UtcNow.AddDays(2)), "r.p7s", DateTimeOffset.UtcNow));

        Assert.Contains("is in the future", e.Message);
    }

    [Fact]
    public void Verify_Rsa1024Key_Refused()
    {
        using RSA weak = RSA.Create(1024);
        var request = new CertificateRequest("CN=Weak", weak, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        byte[] canonical = ReportSignature.CanonicalBytes(Report);

        var e = Assert.Throws<InvarLockException>(() =>
            ReportSignature.Verify(canonical, ReportSignature.Sign(canonical, cert, DateTimeOffset.UtcNow), "r.p7s", DateTimeOffset.UtcNow));

        Assert.Contains("RSA-1024; at least 2048 bits are required", e.Message);
    }

    [Fact]
    public void Load_PemCertificateAndSeparateEcdsaKey_SignsAndVerifies()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Pem Signer", key, HashAlgorithmName.SHA256);
        using X509Certificate2 issued = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        string certPath = _temp.Combine("signer.crt");
        string keyPath = _temp.Combine("signer.key");
        File.WriteAllText(certPath, issued.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());

        using X509Certificate2 loaded = SigningCertificate.Load(certPath, keyPath, password: null);
        byte[] canonical = ReportSignature.CanonicalBytes(Report);
        ReportSignerIdentity signer = ReportSignature.Verify(canonical, ReportSignature.Sign(canonical, loaded, DateTimeOffset.UtcNow), "r.p7s", DateTimeOffset.UtcNow);

        Assert.Equal("CN=Pem Signer", signer.Subject);
    }

    [Fact]
    public void Load_PemCertificateWithoutKey_UsageError()
    {
        string certPath = _temp.Combine("only.crt");
        File.WriteAllText(certPath, _cert.ExportCertificatePem());

        var e = Assert.Throws<InvarLockException>(() => SigningCertificate.Load(certPath, null, null));

        Assert.Equal(ErrorCodes.Usage, e.Code);
        Assert.StartsWith($"{certPath}: cannot load the signing certificate (", e.Message);
    }

    [Fact]
    public void Load_MissingFile_MissingFileError()
    {
        string path = _temp.Combine("absent.pfx");

        var e = Assert.Throws<InvarLockException>(() => SigningCertificate.Load(path, null, null));

        Assert.Equal(ErrorCodes.MissingFile, e.Code);
        Assert.Equal($"{path}: no such file (signing certificate or key)", e.Message);
    }

    [Fact]
    public void Load_PfxWithPassword_HasPrivateKey()
    {
        string pfx = _temp.Combine("signer.pfx");
        File.WriteAllBytes(pfx, _cert.Export(X509ContentType.Pfx, "pw"));

        using X509Certificate2 loaded = SigningCertificate.Load(pfx, null, "pw");

        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(_cert.Thumbprint, loaded.Thumbprint);
    }

    private static DateTimeOffset Truncated(DateTimeOffset t) => new(t.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
