namespace InvarLock.Core.Reporting.Model;

/// <summary>The evaluation data.</summary>
public sealed record DatasetSection(string Provider, string Source, string Sha256, long StreamTokens, int SequenceLength, int Stride, int Seed);
