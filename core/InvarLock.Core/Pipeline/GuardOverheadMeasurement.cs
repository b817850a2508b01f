using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>Guard overhead (ci/release): the subject's final-arm losses without guard actions (bare) and with them
/// (guarded). The report gates guarded/bare perplexity at the 1% budget.</summary>
/// <param name="BareFinal">Final-arm losses before guard validation.</param>
/// <param name="GuardedFinal">Final-arm losses after every guard action.</param>
/// <param name="BareSeconds">Wall time of the bare evaluation.</param>
/// <param name="GuardedSeconds">Wall time of the guarded evaluation.</param>
/// <param name="Method">How it was measured.</param>
internal sealed record GuardOverheadMeasurement(IReadOnlyList<WindowLoss> BareFinal, IReadOnlyList<WindowLoss> GuardedFinal,
    double BareSeconds, double GuardedSeconds, string Method);
