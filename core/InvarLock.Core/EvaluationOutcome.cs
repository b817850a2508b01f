using InvarLock.Core.Reporting.Model;

namespace InvarLock.Core;

/// <summary>What an evaluation ends in: its report and the process exit code (0 pass, 1 gate failed or rolled back,
/// 3 aborted).</summary>
public sealed record EvaluationOutcome(EvaluationReport Report, int ExitCode);
