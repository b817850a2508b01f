namespace InvarLock.Core.Reporting.Model;

/// <summary>The window plan: both arms' ids, token counts and token digests, and the plan digest.</summary>
public sealed record WindowsSection(int SequenceLength, int Stride, long StreamTokens, double OverlapFraction, WindowArmSection Preview,
    WindowArmSection Final, string PlanSha256);
