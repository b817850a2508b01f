namespace InvarLock.Core.Reporting.Model;

/// <summary>The checkpoint an edit run wrote: the verdict is about exactly these weights.</summary>
public sealed record CheckpointSection(string Path, string WeightsSha256, bool RepairedByGuards, IReadOnlyList<string> Files);
