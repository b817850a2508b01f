namespace InvarLock.Core.Verification;

/// <summary>One verification check.</summary>
/// <param name="Id">Stable check id (for example <c>content_digest</c>, <c>primary_metric</c>).</param>
/// <param name="Ok">True when the check passed.</param>
/// <param name="Category"><c>malformed</c> (exit 2: unreadable, schema, tampered, unpaired) or <c>gate</c> (exit 1).</param>
/// <param name="Message">What was checked, or what is wrong.</param>
public sealed record VerifyCheck(string Id, bool Ok, string Category, string Message)
{
    /// <summary>Category of checks whose failure means the report cannot be trusted (exit 2).</summary>
    public const string Malformed = "malformed";
    /// <summary>Category of checks whose failure means a policy gate fails (exit 1).</summary>
    public const string Gate = "gate";
}
