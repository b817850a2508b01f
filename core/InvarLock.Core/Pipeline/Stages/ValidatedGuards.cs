namespace InvarLock.Core.Pipeline.Stages;

/// <summary>The output of <see cref="GuardValidateStage"/>: every guard's record and what the chain decided.</summary>
internal sealed record ValidatedGuards(IReadOnlyList<GuardRecord> Records, bool RolledBack, bool Aborted, double Seconds);
