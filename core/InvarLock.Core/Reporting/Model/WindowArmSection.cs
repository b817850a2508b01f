namespace InvarLock.Core.Reporting.Model;

/// <summary>One arm of the window plan, lists in window order.</summary>
public sealed record WindowArmSection(int Count, IReadOnlyList<int> WindowIds, IReadOnlyList<long> StartTokens, IReadOnlyList<int> TokenCounts,
    IReadOnlyList<string> TokenSha256);
