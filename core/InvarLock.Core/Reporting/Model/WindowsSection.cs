namespace InvarLock.Core.Reporting.Model;

/// <summary>The window plan: both arms' ids, token counts and token digests, how the plan was made
/// (<see cref="Pipeline.ArmBalancer.Method"/>, recomputed by verify) and the plan digest.</summary>
public sealed record WindowsSection(int SequenceLength, int Stride, long StreamTokens, double OverlapFraction, WindowArmSection Preview,
    WindowArmSection Final, string PlanMethod, string PlanSha256);
