namespace InvarLock.Core.Reporting.Model;

/// <summary>Digests over the report's own content.</summary>
public sealed record IntegritySection(string ContentSha256, string Canonicalization);
