using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using InvarLock.Sdk.Errors;
using NuGet.Common;
using NuGet.Packaging;
using NuGet.Packaging.Signing;
using NuGetHashAlgorithm = NuGet.Common.HashAlgorithmName;

namespace InvarLock.Core.Plugins.Packaging;

/// <summary>Verifies NuGet author signatures (<c>.signature.p7s</c>, as <c>dotnet nuget sign</c> writes them) with
/// NuGet.Packaging's verification providers: integrity (the signed content hash against the package bytes), signature
/// validity (the CMS signature, the signing certificate's validity, key usage and strength), and an allow-list of
/// trusted signer certificate SHA-256 fingerprints (the operator's trust list). Trust is pinned by fingerprint, not by
/// a chain to a public root: an untrusted root is not a refusal, a signer missing from the list is. Revocation is
/// checked offline only (no network); packages are not expected to carry a timestamp, so a certificate's validity is
/// judged at verification time (a package stops verifying when its signing certificate expires).</summary>
public static class PluginSignatureVerifier
{
    /// <summary>Largest accepted package, in bytes, when verifying outside the installer.</summary>
    public const long MaxPackageBytes = 256L * 1024 * 1024;

    private const string SigningTimeOid = "1.2.840.113549.1.9.5";

    /// <summary>Verifies the signature of the package in <paramref name="packageBytes"/>; when
    /// <paramref name="trust"/> is given, its signer must also be on that trust list.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.PluginRefused"/> with the reason.</exception>
    public static PackageSignature Verify(byte[] packageBytes, string displayName, TrustStore? trust = null)
    {
        ArgumentNullException.ThrowIfNull(packageBytes);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        try
        {
            using var reader = new PackageArchiveReader(new MemoryStream(packageBytes, writable: false), leaveStreamOpen: false);
            return Verify(reader, displayName, trust);
        }
        catch (InvalidDataException e)
        {
            throw Refuse(displayName, $"not a valid zip package ({e.Message})");
        }
    }

    /// <summary>The SHA-256 fingerprint of a certificate as used on the trust list: upper-case hex, no separators.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(SHA256.HashData(certificate.RawData));
    }

    internal static PackageSignature Verify(PackageArchiveReader reader, string displayName, TrustStore? trust)
    {
        PrimarySignature signature = ReadSignature(reader, displayName);
        X509Certificate2 certificate = signature.SignerInfo.Certificate
            ?? throw Refuse(displayName, "signature does not include the signing certificate");
        string fingerprint = Fingerprint(certificate);
        var validity = new PackageSignatureVerifier([new IntegrityVerificationProvider(), new SignatureTrustAndValidityVerificationProvider()]);
        VerifySignaturesResult result = Run(validity, reader, Settings(allowUntrustedRoot: true));
        ThrowOnError(result, displayName);
        if (!result.IsValid)
        {
            throw Refuse(displayName, "signature does not verify");
        }
        // NuGet downgrades an expired certificate to a warning once untrusted roots are allowed; without a timestamp
        // nothing proves the package was signed while the certificate was valid, so it must be valid now.
        DateTime now = DateTime.UtcNow;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            throw Refuse(displayName,
                $"signing certificate is not valid now (valid {certificate.NotBefore.ToUniversalTime():O} to {certificate.NotAfter.ToUniversalTime():O}); an untimestamped signature counts only while its certificate is valid");
        }
        if (trust is not null)
        {
            var allowList = new List<VerificationAllowListEntry>();
            foreach (TrustedSigner s in trust.List())
            {
                allowList.Add(new CertificateHashAllowListEntry(VerificationTarget.Author, SignaturePlacement.PrimarySignature, s.Fingerprint, NuGetHashAlgorithm.SHA256));
            }
            var allowed = new PackageSignatureVerifier([new AllowListVerificationProvider(allowList, requireNonEmptyAllowList: true,
                emptyListErrorMessage: "the trust list is empty", noMatchErrorMessage: "the signer is not on the trust list")]);
            if (!Run(allowed, reader, Settings(allowUntrustedRoot: false)).IsValid)
            {
                throw Refuse(displayName,
                    $"signer {fingerprint} ({certificate.Subject}) is not on the trust list {trust.Path}; if you trust it, run: invarlock plugins trust add {fingerprint}");
            }
        }
        return new PackageSignature(fingerprint, certificate.Subject, ReadSigningTime(signature.SignerInfo), signature.SignatureContent.HashValue);
    }

    private static PrimarySignature ReadSignature(PackageArchiveReader reader, string displayName)
    {
        try
        {
            if (!reader.IsSignedAsync(CancellationToken.None).GetAwaiter().GetResult())
            {
                throw Refuse(displayName, "package is not signed (no .signature.p7s); only signed packages can be installed");
            }
            PrimarySignature signature = reader.GetPrimarySignatureAsync(CancellationToken.None).GetAwaiter().GetResult()
                ?? throw Refuse(displayName, "package is not signed (no .signature.p7s); only signed packages can be installed");
            if (signature.Type != SignatureType.Author)
            {
                throw Refuse(displayName, $"signature is a {signature.Type} signature; an author signature is required");
            }
            return signature;
        }
        catch (SignatureException e)
        {
            throw Refuse(displayName, $"signature is malformed ({e.Code}: {e.Message})");
        }
        catch (Exception e) when (e is CryptographicException or InvalidDataException or EndOfStreamException)
        {
            throw Refuse(displayName, $"signature is malformed ({e.Message})");
        }
        catch (ArgumentOutOfRangeException e)
        {
            // NuGet's signed-archive reader seeks to offsets read from the zip records; an offset past the file's end
            // surfaces as the stream's ArgumentOutOfRangeException.
            throw Refuse(displayName, $"signature is malformed (a zip record points outside the file: {e.Message})");
        }
    }

    private static VerifySignaturesResult Run(PackageSignatureVerifier verifier, PackageArchiveReader reader, SignedPackageVerifierSettings settings) =>
        verifier.VerifySignaturesAsync(reader, settings, CancellationToken.None, Guid.Empty).GetAwaiter().GetResult();

    private static SignedPackageVerifierSettings Settings(bool allowUntrustedRoot) => new(
        allowUnsigned: false,
        allowIllegal: false,
        allowUntrusted: allowUntrustedRoot,
        allowIgnoreTimestamp: true,
        allowMultipleTimestamps: false,
        allowNoTimestamp: true,
        allowUnknownRevocation: true,
        reportUnknownRevocation: false,
        verificationTarget: VerificationTarget.Author,
        signaturePlacement: SignaturePlacement.PrimarySignature,
        repositoryCountersignatureVerificationBehavior: SignatureVerificationBehavior.Never,
        revocationMode: RevocationMode.Offline);

    /// <summary>Throws with the first error NuGet reported, worded for the operator.</summary>
    private static void ThrowOnError(VerifySignaturesResult result, string displayName)
    {
        foreach (PackageVerificationResult r in result.Results)
        {
            foreach (SignatureLog issue in r.Issues)
            {
                if (issue.Level != LogLevel.Error)
                {
                    continue;
                }
                string problem = issue.Code == NuGetLogCode.NU3008
                    ? "package content does not match its signature (modified after signing)"
                    : $"signature refused ({issue.Code}: {issue.Message.TrimEnd('.')})";
                throw Refuse(displayName, problem);
            }
        }
    }

    private static DateTimeOffset ReadSigningTime(SignerInfo signer)
    {
        foreach (CryptographicAttributeObject attr in signer.SignedAttributes)
        {
            if (attr.Oid.Value == SigningTimeOid && attr.Values.Count == 1)
            {
                var st = new Pkcs9SigningTime(attr.Values[0].RawData);
                return new DateTimeOffset(DateTime.SpecifyKind(st.SigningTime.ToUniversalTime(), DateTimeKind.Utc));
            }
        }
        return DateTimeOffset.UnixEpoch;
    }

    internal static InvarLockException Refuse(string displayName, string problem) =>
        new(ErrorCodes.PluginRefused, $"{displayName}: {problem}");
}
