using InvarLock.Sdk.Models;

namespace InvarLock.Core.Statistics;

/// <summary>One model's per-window losses on one arm, with the window ids they belong to (same order).</summary>
public sealed record ModelArm(IReadOnlyList<int> WindowIds, IReadOnlyList<WindowLoss> Losses);
