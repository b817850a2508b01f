using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Self-signed RSA-2048 certificates for signing test packages.</summary>
internal static class TestCertificates
{
    /// <summary>A code-signing certificate valid from a day ago for 30 days, shaped so that <c>dotnet nuget sign</c>
    /// also accepts it (self-signed: basic constraints CA and key usage keyCertSign, plus digitalSignature and the
    /// code-signing EKU).</summary>
    public static X509Certificate2 CodeSigning(string commonName, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null,
        bool codeSigningEku = true)
    {
        using RSA key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
        var ekus = new OidCollection { new Oid(codeSigningEku ? "1.3.6.1.5.5.7.3.3" : "1.3.6.1.5.5.7.3.1") };
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(ekus, critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        DateTimeOffset from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        DateTimeOffset to = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        return request.CreateSelfSigned(from, to);
    }
}
