using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Security;

/// <summary>Loads the operator's report-signing certificate with its private key: a PKCS #12 file (<c>.pfx</c>,
/// <c>.p12</c>), or a PEM certificate with its PEM private key (in the same file or a separate one). A password, when
/// the file needs one, comes from <see cref="EnvironmentFlags.SigningPassword"/> (never from the command line).</summary>
public static class SigningCertificate
{
    /// <summary>Loads the certificate at <paramref name="path"/> (and its key at <paramref name="keyPath"/>, PEM only).</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when a file is absent;
    /// <see cref="ErrorCodes.Usage"/> when it cannot be read as a certificate with a private key.</exception>
    public static X509Certificate2 Load(string path, string? keyPath, string? password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        foreach (string? file in new[] { path, keyPath })
        {
            if (file is not null && !File.Exists(file))
            {
                throw new InvarLockException(ErrorCodes.MissingFile, $"{file}: no such file (signing certificate or key)");
            }
        }
        X509Certificate2 certificate;
        try
        {
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".pfx" or ".p12")
            {
                if (keyPath is not null)
                {
                    throw new InvarLockException(ErrorCodes.Usage, $"{keyPath}: a PKCS #12 file carries its own key; drop --sign-key");
                }
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            }
            else
            {
                certificate = password is null
                    ? X509Certificate2.CreateFromPemFile(path, keyPath)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException)
        {
            throw new InvarLockException(ErrorCodes.Usage,
                $"{path}: cannot load the signing certificate ({e.Message.ReplaceLineEndings(" ").TrimEnd('.')}); give a .pfx/.p12 (password in {EnvironmentFlags.SigningPassword}) or a PEM certificate and key");
        }
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvarLockException(ErrorCodes.Usage, $"{path}: the certificate has no private key; give the key too (--sign-key KEY.pem or a .pfx)");
        }
        return certificate;
    }
}
