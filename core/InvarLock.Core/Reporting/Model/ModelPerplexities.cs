namespace InvarLock.Core.Reporting.Model;

/// <summary>Both arms of one model.</summary>
public sealed record ModelPerplexities(PerplexitySection Preview, PerplexitySection Final);
