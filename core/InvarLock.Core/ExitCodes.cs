using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core;

/// <summary>The documented process exit codes (docs/exit-codes.md), and the one place that decides them for a finished
/// evaluation and for a verification. Errors carry their own exit code (<see cref="Sdk.Errors.ErrorCode.ExitCode"/>).</summary>
public static class ExitCodes
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

    /// <summary>The exit code of an evaluation whose report is <paramref name="report"/>: 3 when a guard aborted, 1 when a
    /// gate failed or a guard rolled back, else 0.</summary>
    public static int ForEvaluation(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Run.Aborted ? Aborted : !report.Verdict.Passed || report.Run.RolledBack ? GateFailed : Success;
    }

    /// <summary>The exit code of one verified report by its status: pass 0, gate_failed 1, anything else (malformed,
    /// tampered, mismatched) 2.</summary>
    public static int ForVerification(string status) => status switch { "pass" => Success, "gate_failed" => GateFailed, _ => BadInput };
}
