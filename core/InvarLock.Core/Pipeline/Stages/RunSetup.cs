using InvarLock.Core.Policy;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Metrics;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>The output of <see cref="PolicyStage"/>: the policy and the plugins the run uses.</summary>
internal sealed record RunSetup(ResolvedPolicy Policy, IPrimaryMetric Metric, IDatasetProvider Dataset, IEdit? Edit, int PreviewCount,
    int FinalCount, int Stride, int Seed)
{
    /// <summary>Tokens the window plan needs from the stream, at least.</summary>
    public long TokensNeeded(int sequenceLength) => (long)(PreviewCount + FinalCount - 1) * Stride + sequenceLength;
}
