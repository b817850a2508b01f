using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using InvarLock.Sdk.Canonical;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Security;

/// <summary>Detached CMS signatures (PKCS #7, <c>.p7s</c>) over a report's canonical bytes: the RFC 8785 form of the
/// whole report object, so reformatting the file does not break a signature and changing any member does. The
/// signature carries the signing certificate and a signing-time attribute, SHA-256 digest. It binds a report to the
/// holder of the signing key; which keys count is the verifier's trust list.</summary>
public static class ReportSignature
{
    /// <summary>The signature file's suffix: <c>evaluation.report.json</c> is signed by <c>evaluation.report.json.p7s</c>.</summary>
    public const string Suffix = ".p7s";

    /// <summary>Largest signature file read, in bytes.</summary>
    public const int MaxSignatureBytes = 256 * 1024;

    /// <summary>How far in the future a signing time may lie (clock skew between signer and verifier).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    private const string SigningTimeOid = "1.2.840.113549.1.9.5";
    private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";

    /// <summary>The signature file of the report at <paramref name="reportPath"/>.</summary>
    public static string PathFor(string reportPath) => reportPath + Suffix;

    /// <summary>The bytes a report signature covers: the RFC 8785 canonical UTF-8 form of the report object.</summary>
    public static byte[] CanonicalBytes(JsonObject reportNode)
    {
        ArgumentNullException.ThrowIfNull(reportNode);
        return CanonicalJson.SerializeToUtf8(reportNode);
    }

    /// <summary>Signs <paramref name="canonicalReport"/> with <paramref name="certificate"/> (which must hold its
    /// private key) and returns the DER-encoded detached CMS.</summary>
    public static byte[] Sign(byte[] canonicalReport, X509Certificate2 certificate, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(canonicalReport);
        ArgumentNullException.ThrowIfNull(certificate);
        var cms = new SignedCms(new ContentInfo(canonicalReport), detached: true);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate)
        {
            DigestAlgorithm = new Oid(Sha256Oid),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime(signingTime.UtcDateTime));
        cms.ComputeSignature(signer, silent: true);
        return cms.Encode();
    }

    /// <summary>Checks that <paramref name="signature"/> is a valid detached signature of
    /// <paramref name="canonicalReport"/> (one signer, certificate included, SHA-256 or stronger, RSA ≥ 2048 or ECDSA ≥
    /// P-256, a signing time inside the certificate's validity and not in the future) and returns the signer.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MalformedReport"/> naming
    /// <paramref name="displayName"/> and the problem.</exception>
    public static ReportSignerIdentity Verify(byte[] canonicalReport, byte[] signature, string displayName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(canonicalReport);
        ArgumentNullException.ThrowIfNull(signature);
        var cms = new SignedCms(new ContentInfo(canonicalReport), detached: true);
        try
        {
            cms.Decode(signature);
        }
        catch (CryptographicException e)
        {
            throw Refuse(displayName, $"not a CMS signature ({e.Message.TrimEnd('.')})");
        }
        if (cms.SignerInfos.Count != 1)
        {
            throw Refuse(displayName, $"has {cms.SignerInfos.Count} signers; a report signature has exactly one");
        }
        SignerInfo signer = cms.SignerInfos[0];
        X509Certificate2 certificate = signer.Certificate ?? throw Refuse(displayName, "does not include the signing certificate");
        try
        {
            signer.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            throw Refuse(displayName, "does not match the report (the report changed after it was signed, or the signature belongs to another report)");
        }
        string digest = signer.DigestAlgorithm.Value ?? "";
        if (digest is not (Sha256Oid or "2.16.840.1.101.3.4.2.2" or "2.16.840.1.101.3.4.2.3"))
        {
            throw Refuse(displayName, $"uses digest {digest}; SHA-256 or stronger is required");
        }
        CheckKey(certificate, displayName);
        DateTimeOffset signingTime = ReadSigningTime(signer) ?? throw Refuse(displayName, "has no signing-time attribute");
        if (signingTime > now + MaxClockSkew)
        {
            throw Refuse(displayName, $"signing time {signingTime:O} is in the future");
        }
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (signingTime < notBefore || signingTime > notAfter)
        {
            throw Refuse(displayName, $"the signing certificate was not valid at signing time {signingTime:O} (valid {notBefore:O} to {notAfter:O})");
        }
        return new ReportSignerIdentity(Convert.ToHexString(SHA256.HashData(certificate.RawData)), certificate.Subject, signingTime);
    }

    private static void CheckKey(X509Certificate2 certificate, string displayName)
    {
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509KeyUsageExtension ku && (ku.KeyUsages & (X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation)) == 0)
            {
                throw Refuse(displayName, "the signing certificate's key usage does not allow digital signatures");
            }
        }
        using RSA? rsa = certificate.GetRSAPublicKey();
        if (rsa is not null)
        {
            if (rsa.KeySize < 2048)
            {
                throw Refuse(displayName, $"the signing key is RSA-{rsa.KeySize}; at least 2048 bits are required");
            }
            return;
        }
        using ECDsa? ec = certificate.GetECDsaPublicKey();
        if (ec is null || ec.KeySize < 256)
        {
            throw Refuse(displayName, "the signing key must be RSA (2048+ bits) or ECDSA (P-256 or stronger)");
        }
    }

    private static DateTimeOffset? ReadSigningTime(SignerInfo signer)
    {
        foreach (CryptographicAttributeObject attribute in signer.SignedAttributes)
        {
            if (attribute.Oid.Value == SigningTimeOid && attribute.Values.Count == 1)
            {
                var time = new Pkcs9SigningTime(attribute.Values[0].RawData);
                return new DateTimeOffset(DateTime.SpecifyKind(time.SigningTime.ToUniversalTime(), DateTimeKind.Utc));
            }
        }
        return null;
    }

    private static InvarLockException Refuse(string displayName, string problem) =>
        new(ErrorCodes.MalformedReport, $"{displayName}: signature {problem}");
}
