namespace InvarLock.Core.Reporting.Model;

/// <summary>The window plan: how it was drawn, both arms' ids, starts, token counts, token digests and difficulties, and
/// the plan digest.</summary>
public sealed record WindowsSection(int SequenceLength, int Stride, long StreamTokens, double OverlapFraction, WindowPlanSection Plan,
    WindowArmSection Preview, WindowArmSection Final, string PlanSha256);
