namespace InvarLock.Core.Reporting.Model;

/// <summary>The window plan: both arms' ids, token counts and token digests, how the plan was made
/// (<see cref="Pipeline.ArmBalancer.Method"/>, recomputed by verify) and the plan digest.
/// <see cref="BosTokenId"/> is the id every window starts with when the baseline's tokenizer prepends BOS (each window
/// then holds <c>SequenceLength − 1</c> stream tokens), or null when windows are stream tokens only.</summary>
public sealed record WindowsSection(int SequenceLength, int Stride, long StreamTokens, double OverlapFraction, WindowArmSection Preview,
    WindowArmSection Final, string PlanMethod, string PlanSha256, int? BosTokenId = null);
