namespace InvarLock.Cli.Sandbox;

/// <summary>How a sandboxed worker ended: its exit code and its whole standard output and error.</summary>
internal sealed record SandboxResult(int ExitCode, string Output, string Error);
