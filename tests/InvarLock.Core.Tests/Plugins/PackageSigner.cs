using System.Security.Cryptography.X509Certificates;
using NuGet.Common;
using NuGet.Packaging.Signing;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Test support: author-signs packages with NuGet.Packaging's signing API (<see cref="SigningUtility"/>, the
/// code behind <c>dotnet nuget sign</c>), without a timestamp (no timestamp server is reachable here). Shared by the
/// Core and CLI tests. <c>PackageSignatureTests</c> shows <c>dotnet nuget verify --all</c> accepts the result.</summary>
internal static class PackageSigner
{
    /// <summary>Signs an unsigned package.</summary>
    /// <param name="unsignedPackage">The package bytes as written by <c>dotnet pack</c>.</param>
    /// <param name="certificate">A code-signing certificate with its private key (not disposed).</param>
    public static byte[] Sign(byte[] unsignedPackage, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(unsignedPackage);
        ArgumentNullException.ThrowIfNull(certificate);
        using var input = new MemoryStream(unsignedPackage, writable: false);
        using var output = new MemoryStream();
        // The request disposes the certificate it is given; hand it a copy.
        using var request = new AuthorSignPackageRequest(
            X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable), HashAlgorithmName.SHA256);
        using var options = new SigningOptions(new Lazy<Stream>(() => input), new Lazy<Stream>(() => output), overwrite: false,
            new X509SignatureProvider(timestampProvider: null), NullLogger.Instance);
        SigningUtility.SignAsync(options, request, CancellationToken.None).GetAwaiter().GetResult();
        return output.ToArray();
    }

    /// <summary>A copy of <paramref name="unsignedPackage"/> carrying <paramref name="signature"/> (the bytes of some
    /// package's <c>.signature.p7s</c>) as its signature, added the way NuGet adds one.</summary>
    public static byte[] WithSignature(byte[] unsignedPackage, byte[] signature)
    {
        using var input = new MemoryStream(unsignedPackage, writable: false);
        using var output = new MemoryStream();
        using (var archive = new SignedPackageArchive(input, output))
        using (var signatureStream = new MemoryStream(signature, writable: false))
        {
            archive.AddSignatureAsync(signatureStream, CancellationToken.None).GetAwaiter().GetResult();
        }
        return output.ToArray();
    }

    /// <summary>The bytes of a signed package's <c>.signature.p7s</c>.</summary>
    public static byte[] SignatureOf(byte[] signedPackage)
    {
        using var reader = new NuGet.Packaging.PackageArchiveReader(new MemoryStream(signedPackage, writable: false), leaveStreamOpen: false);
        return reader.GetPrimarySignatureAsync(CancellationToken.None).GetAwaiter().GetResult()!.GetBytes();
    }

    /// <summary>Signs like <see cref="Sign"/> but skips the signer's own certificate checks (validity period, key
    /// usage), to make packages that verification must refuse: the CMS carries NuGet's signed attributes over the
    /// NuGet signature content for the package's SHA-256.</summary>
    public static byte[] SignUnchecked(byte[] unsignedPackage, X509Certificate2 certificate)
    {
        string hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(unsignedPackage));
        var content = new SignatureContent(SigningSpecifications.V1, HashAlgorithmName.SHA256, hash);
        var cms = new System.Security.Cryptography.Pkcs.SignedCms(
            new System.Security.Cryptography.Pkcs.ContentInfo(new System.Security.Cryptography.Oid("1.2.840.113549.1.7.1"), content.GetBytes()));
        using var request = new AuthorSignPackageRequest(
            X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null, X509KeyStorageFlags.Exportable), HashAlgorithmName.SHA256);
        var signer = new System.Security.Cryptography.Pkcs.CmsSigner(System.Security.Cryptography.Pkcs.SubjectIdentifierType.IssuerAndSerialNumber, certificate)
        {
            DigestAlgorithm = new System.Security.Cryptography.Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        foreach (System.Security.Cryptography.CryptographicAttributeObject attribute in SigningUtility.CreateSignedAttributes(request, [certificate]))
        {
            signer.SignedAttributes.Add(attribute);
        }
        cms.ComputeSignature(signer, silent: true);
        return WithSignature(unsignedPackage, cms.Encode());
    }
}
