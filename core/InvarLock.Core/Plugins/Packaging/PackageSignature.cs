namespace InvarLock.Core.Plugins.Packaging;

/// <summary>A verified author signature of a plugin package.</summary>
/// <param name="Fingerprint">SHA-256 of the signing certificate (DER), upper-case hex without separators.</param>
/// <param name="Subject">The certificate's subject name.</param>
/// <param name="SigningTime">The signing time the signer asserted (signed attribute; not proof of when it signed: no timestamp).</param>
/// <param name="ContentHash">Base64 SHA-256 content hash of the package, as signed.</param>
public sealed record PackageSignature(string Fingerprint, string Subject, DateTimeOffset SigningTime, string ContentHash);
