namespace InvarLock.Core.Plugins;

/// <summary>A signer on the operator's trust list.</summary>
/// <param name="Fingerprint">SHA-256 of the signing certificate, upper-case hex without separators.</param>
/// <param name="Name">A label the operator chose, if any.</param>
/// <param name="AddedAt">When it was added (UTC).</param>
public sealed record TrustedSigner(string Fingerprint, string? Name, DateTimeOffset AddedAt);
