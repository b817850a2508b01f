using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Metrics;

/// <summary>Compares the baseline's and the subject's predictive distributions token by token (for example KL
/// divergence and top-1 agreement), riding on the passes the primary metric makes anyway: <see cref="Baseline"/> is
/// attached to the baseline's pass (<see cref="MetricRequest.Observer"/>), then <see cref="Subject"/> to the subject's.
/// Only one model needs to be resident at a time.</summary>
public interface ITokenComparison : IDisposable
{
    /// <summary>Records what the comparison needs from each baseline window (window index = position in the
    /// baseline pass's list).</summary>
    IWindowSink Baseline { get; }

    /// <summary>A sink for the subject's pass: subject window i is compared with recorded baseline window
    /// <c>baselineWindow[i]</c> (the same tokens). Results land in <see cref="Results"/>, one per subject window.</summary>
    IWindowSink Subject(IReadOnlyList<int> baselineWindow);

    /// <summary>The figures per subject window, in subject window order, once the subject's pass is done.</summary>
    IReadOnlyList<TokenComparisonWindow> Results { get; }
}
