using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Plugins.Packaging;

/// <summary>Verifies NuGet author signatures (<c>.signature.p7s</c>, as written by <c>dotnet nuget sign</c>):
/// the CMS signature, the signed content hash against the package bytes, the signing certificate's validity at the
/// signing time, its code-signing usage, and its strength. Whether the signer is trusted is the caller's decision
/// (see <see cref="TrustStore"/>): trust is pinned by certificate fingerprint, not by a chain to a public root.</summary>
public static class PackageSignatureVerifier
{
    private const string DataContentType = "1.2.840.113549.1.7.1";
    private const string SigningTimeOid = "1.2.840.113549.1.9.5";
    private const string CodeSigningEku = "1.3.6.1.5.5.7.3.3";

    /// <summary>How far in the future a signing time may lie (clock skew between signer and host).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Largest accepted signature file.</summary>
    public const int MaxSignatureBytes = 1024 * 1024;

    private static readonly (string Oid, HashAlgorithmName Name)[] HashOids =
    [
        ("2.16.840.1.101.3.4.2.1", HashAlgorithmName.SHA256),
        ("2.16.840.1.101.3.4.2.2", HashAlgorithmName.SHA384),
        ("2.16.840.1.101.3.4.2.3", HashAlgorithmName.SHA512),
    ];

    /// <summary>Verifies the signature of the package in <paramref name="packageBytes"/>.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.PluginRefused"/> with the reason.</exception>
    public static PackageSignature Verify(byte[] packageBytes, string displayName, TimeProvider? time = null) =>
        Verify(PackageArchive.Read(packageBytes, displayName, PackageLimits.Default), time);

    internal static PackageSignature Verify(PackageArchive archive, TimeProvider? time = null)
    {
        string name = archive.DisplayName;
        ZipEntryRecord sigEntry = archive.SignatureEntry
            ?? throw PackageArchive.Refuse(name, "package is not signed (no .signature.p7s); only signed packages can be installed");
        if (sigEntry.UncompressedSize > MaxSignatureBytes)
        {
            throw PackageArchive.Refuse(name, "signature file is too large");
        }
        byte[] unsigned = archive.UnsignedContent();
        byte[] signatureBytes = archive.StoredData(sigEntry).ToArray();

        var cms = new SignedCms();
        try
        {
            cms.Decode(signatureBytes);
        }
        catch (CryptographicException e)
        {
            throw PackageArchive.Refuse(name, $"signature is not valid CMS ({e.Message})");
        }
        if (cms.Detached || cms.ContentInfo.ContentType.Value != DataContentType)
        {
            throw PackageArchive.Refuse(name, "signature does not embed NuGet signature content");
        }
        if (cms.SignerInfos.Count != 1)
        {
            throw PackageArchive.Refuse(name, $"signature has {cms.SignerInfos.Count} signers; an author signature has exactly one");
        }
        SignerInfo signer = cms.SignerInfos[0];
        X509Certificate2 cert = signer.Certificate
            ?? throw PackageArchive.Refuse(name, "signature does not include the signing certificate");
        try
        {
            signer.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException e)
        {
            throw PackageArchive.Refuse(name, $"signature does not verify ({e.Message})");
        }

        (HashAlgorithmName algorithm, string signedHash) = ParseContent(cms.ContentInfo.Content, name);
        string actualHash = Convert.ToBase64String(Hash(algorithm, unsigned));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actualHash), Encoding.ASCII.GetBytes(signedHash)))
        {
            throw PackageArchive.Refuse(name, "package content does not match its signature (modified after signing)");
        }

        string digest = signer.DigestAlgorithm.Value ?? "";
        if (digest is not ("2.16.840.1.101.3.4.2.1" or "2.16.840.1.101.3.4.2.2" or "2.16.840.1.101.3.4.2.3"))
        {
            throw PackageArchive.Refuse(name, $"signature uses digest {digest}; SHA-256 or stronger is required");
        }
        CheckKeyStrength(cert, name);
        CheckUsage(cert, name);

        DateTimeOffset signingTime = ReadSigningTime(signer)
            ?? throw PackageArchive.Refuse(name, "signature has no signing-time attribute");
        DateTimeOffset now = (time ?? TimeProvider.System).GetUtcNow();
        if (signingTime > now + MaxClockSkew)
        {
            throw PackageArchive.Refuse(name, $"signing time {signingTime:O} is in the future");
        }
        if (signingTime < new DateTimeOffset(cert.NotBefore.ToUniversalTime(), TimeSpan.Zero)
            || signingTime > new DateTimeOffset(cert.NotAfter.ToUniversalTime(), TimeSpan.Zero))
        {
            throw PackageArchive.Refuse(name,
                $"signing certificate was not valid at signing time {signingTime:O} (valid {cert.NotBefore.ToUniversalTime():O} to {cert.NotAfter.ToUniversalTime():O})");
        }
        return new PackageSignature(Fingerprint(cert), cert.Subject, signingTime, signedHash);
    }

    /// <summary>The SHA-256 fingerprint of a certificate as used on the trust list: upper-case hex, no separators.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(SHA256.HashData(certificate.RawData));
    }

    /// <summary>The NuGet signature content for a content hash: <c>Version:1</c>, a blank line, the hash property
    /// named by the hash algorithm's OID, and a blank line.</summary>
    internal static byte[] BuildContent(string hashOid, string base64Hash) =>
        Encoding.UTF8.GetBytes($"Version:1\n\n{hashOid}-Hash:{base64Hash}\n\n");

    internal static byte[] Hash(HashAlgorithmName algorithm, byte[] data) =>
        algorithm == HashAlgorithmName.SHA512 ? SHA512.HashData(data)
        : algorithm == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
        : SHA256.HashData(data);

    private static (HashAlgorithmName, string) ParseContent(byte[] content, string name)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw PackageArchive.Refuse(name, "signature content is not UTF-8");
        }
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Length < 3 || lines[0] != "Version:1" || lines[1].Length != 0)
        {
            throw PackageArchive.Refuse(name, "signature content is not NuGet signature format version 1");
        }
        for (int i = 2; i < lines.Length && lines[i].Length > 0; i++)
        {
            foreach ((string oid, HashAlgorithmName algorithm) in HashOids)
            {
                string prefix = oid + "-Hash:";
                if (lines[i].StartsWith(prefix, StringComparison.Ordinal))
                {
                    return (algorithm, lines[i][prefix.Length..]);
                }
            }
        }
        throw PackageArchive.Refuse(name, "signature content has no package hash with a supported algorithm");
    }

    private static DateTimeOffset? ReadSigningTime(SignerInfo signer)
    {
        foreach (CryptographicAttributeObject attr in signer.SignedAttributes)
        {
            if (attr.Oid.Value != SigningTimeOid || attr.Values.Count != 1)
            {
                continue;
            }
            var st = new Pkcs9SigningTime(attr.Values[0].RawData);
            return new DateTimeOffset(DateTime.SpecifyKind(st.SigningTime.ToUniversalTime(), DateTimeKind.Utc));
        }
        return null;
    }

    private static void CheckUsage(X509Certificate2 cert, string name)
    {
        bool codeSigning = false;
        foreach (X509Extension ext in cert.Extensions)
        {
            if (ext is X509EnhancedKeyUsageExtension eku)
            {
                foreach (Oid oid in eku.EnhancedKeyUsages)
                {
                    codeSigning |= oid.Value == CodeSigningEku;
                }
            }
            else if (ext is X509KeyUsageExtension ku && (ku.KeyUsages & X509KeyUsageFlags.DigitalSignature) == 0)
            {
                throw PackageArchive.Refuse(name, "signing certificate's key usage does not allow digital signatures");
            }
        }
        if (!codeSigning)
        {
            throw PackageArchive.Refuse(name, "signing certificate is not for code signing (extended key usage 1.3.6.1.5.5.7.3.3 missing)");
        }
    }

    private static void CheckKeyStrength(X509Certificate2 cert, string name)
    {
        using RSA? rsa = cert.GetRSAPublicKey();
        if (rsa is not null)
        {
            if (rsa.KeySize < 2048)
            {
                throw PackageArchive.Refuse(name, $"signing key is RSA-{rsa.KeySize}; at least 2048 bits are required");
            }
            return;
        }
        using ECDsa? ec = cert.GetECDsaPublicKey();
        if (ec is null || ec.KeySize < 256)
        {
            throw PackageArchive.Refuse(name, "signing key must be RSA (2048+ bits) or ECDSA (P-256 or stronger)");
        }
    }
}
