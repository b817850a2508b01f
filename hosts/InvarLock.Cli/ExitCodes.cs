namespace InvarLock.Cli;

/// <summary>The documented process exit codes (docs/exit-codes.md).</summary>
internal static class ExitCodes
{
    /// <summary>Every gate passed.</summary>
    public const int Success = 0;
    /// <summary>A gate failed, or a guard rolled the subject back.</summary>
    public const int GateFailed = 1;
    /// <summary>Usage error or malformed input (model files, dataset, report, policy).</summary>
    public const int BadInput = 2;
    /// <summary>A guard aborted the run.</summary>
    public const int Aborted = 3;
    /// <summary>An internal error (a bug): please report it.</summary>
    public const int InternalError = 4;
}
