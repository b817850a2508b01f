using System.Security.Cryptography.X509Certificates;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;

namespace InvarLock.Cli;

/// <summary>The <c>--sign-with</c> side of <c>evaluate</c>: loads the signing certificate before the run starts (a bad
/// key fails in a second, not after the evaluation), and enforces <see cref="EnvironmentFlags.ReleaseRequiresSignature"/>.</summary>
internal static class ReportSigning
{
    public static X509Certificate2? LoadSigner(FileInfo? certificate, FileInfo? key, string profile, IReadOnlyDictionary<string, string?> environment)
    {
        if (certificate is null)
        {
            if (key is not null)
            {
                throw new InvarLockException(ErrorCodes.Usage, "--sign-key needs --sign-with CERT");
            }
            if (EnvironmentFlags.IsSet(environment, EnvironmentFlags.ReleaseRequiresSignature)
                && string.Equals(profile, "release", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvarLockException(ErrorCodes.Usage,
                    $"the release profile requires a signed report ({EnvironmentFlags.ReleaseRequiresSignature} is set): add --sign-with CERT");
            }
            return null;
        }
        string? password = environment.TryGetValue(EnvironmentFlags.SigningPassword, out string? p) && !string.IsNullOrEmpty(p) ? p : null;
        return SigningCertificate.Load(certificate.FullName, key?.FullName, password);
    }
}
