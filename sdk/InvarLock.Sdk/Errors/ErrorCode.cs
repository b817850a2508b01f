namespace InvarLock.Sdk.Errors;

/// <summary>A stable error code (for example <c>IL2001</c>) and the process exit code it maps to.</summary>
/// <param name="Id">The code printed in messages and listed in <c>docs/errors.md</c>; never reused.</param>
/// <param name="ExitCode">The CLI exit code: 2 for malformed input or usage, 3 for an aborted run, 1 for a failed gate.</param>
public readonly record struct ErrorCode(string Id, int ExitCode)
{
    /// <inheritdoc />
    public override string ToString() => Id;
}
