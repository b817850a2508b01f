namespace InvarLock.Cli.Sandbox;

/// <summary>What a sandboxed worker may see: <paramref name="ReadOnly"/> files and folders (bound read-only at their own
/// paths) and the one <paramref name="Writable"/> staging folder.</summary>
internal sealed record SandboxMounts(IReadOnlyList<string> ReadOnly, string Writable);
