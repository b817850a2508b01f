namespace InvarLock.Core.Security;

/// <summary>Who signed a report, as a verified signature says.</summary>
/// <param name="Fingerprint">SHA-256 of the signing certificate (DER), upper-case hex without separators: the value
/// <c>verify --trusted-signer</c> takes.</param>
/// <param name="Subject">The certificate's subject name.</param>
/// <param name="SigningTime">The signing time the signer asserted (a signed attribute; no timestamp authority vouches
/// for it).</param>
public sealed record ReportSignerIdentity(string Fingerprint, string Subject, DateTimeOffset SigningTime)
{
    /// <summary>"subject (fingerprint)".</summary>
    public string Describe() => $"{Subject} ({Fingerprint})";
}
