namespace InvarLock.Core.Reporting.Model;

/// <summary>Token-weighted perplexity of one model on one arm.</summary>
public sealed record PerplexitySection(int Windows, double? LossSum, long TokenCount, double? MeanLoss, double? Perplexity);
