using InvarLock.Core.Plugins;

namespace InvarLock.Core.Verification;

/// <summary>What <c>verify</c> demands of a report's signature (<c>REPORT.p7s</c> beside it).</summary>
/// <param name="TrustedSigners">Certificate SHA-256 fingerprints (normalised: 64 upper-case hex digits) whose
/// signatures count. Naming any makes a signature required.</param>
/// <param name="Required">Every report must carry a valid signature from one of <paramref name="TrustedSigners"/>.</param>
/// <param name="RequiredForRelease">Reports produced under the <c>release</c> profile must (see
/// <see cref="Security.EnvironmentFlags.ReleaseRequiresSignature"/>).</param>
public sealed record SignaturePolicy(IReadOnlySet<string> TrustedSigners, bool Required, bool RequiredForRelease)
{
    /// <summary>No requirement: a signature present is still checked and its signer named.</summary>
    public static SignaturePolicy None { get; } = new(new HashSet<string>(StringComparer.Ordinal), false, false);

    /// <summary>The policy for fingerprints given on the command line and in trust files (<see cref="TrustStore"/>
    /// format); <paramref name="required"/> adds the requirement even without them (then every report fails).</summary>
    /// <exception cref="Sdk.Errors.InvarLockException"><see cref="Sdk.Errors.ErrorCodes.Usage"/> for a value that is
    /// not a SHA-256 fingerprint.</exception>
    public static SignaturePolicy From(IEnumerable<string> fingerprints, IEnumerable<string> trustFiles, bool required, bool requiredForRelease)
    {
        ArgumentNullException.ThrowIfNull(fingerprints);
        ArgumentNullException.ThrowIfNull(trustFiles);
        var trusted = new HashSet<string>(StringComparer.Ordinal);
        foreach (string f in fingerprints)
        {
            trusted.Add(TrustStore.NormalizeFingerprint(f));
        }
        foreach (string file in trustFiles)
        {
            if (!File.Exists(file))
            {
                throw new Sdk.Errors.InvarLockException(Sdk.Errors.ErrorCodes.MissingFile, $"{file}: no such trust file");
            }
            foreach (TrustedSigner s in new TrustStore(file).List())
            {
                trusted.Add(s.Fingerprint);
            }
        }
        return new SignaturePolicy(trusted, required || trusted.Count > 0, requiredForRelease);
    }

    /// <summary>True when a report produced under <paramref name="profile"/> must be signed.</summary>
    public bool RequiresSignature(string? profile) =>
        Required || (RequiredForRelease && string.Equals(profile, "release", StringComparison.OrdinalIgnoreCase));
}
