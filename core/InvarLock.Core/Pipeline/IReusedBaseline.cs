using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline;

/// <summary>A prior evaluation whose baseline windows and per-window losses a run reuses instead of scoring the baseline
/// again (implemented by <see cref="Verification.BaselineReuse"/>, which reads and verifies the report). Each check
/// throws <see cref="Sdk.Errors.InvarLockException"/> (IL3002) naming what differs.</summary>
public interface IReusedBaseline
{
    /// <summary>The report it came from.</summary>
    string Path { get; }

    /// <summary>Fails unless the loaded baseline is the model the report measured (weights and tokenizer digests).</summary>
    void CheckModel(ModelFacts baseline);

    /// <summary>Fails unless the run chose the report's windows.</summary>
    void CheckSelection(WindowSelection selection);

    /// <summary>Fails unless the run dealt the report's arms.</summary>
    void CheckPlan(WindowPlan plan);

    /// <summary>The report's baseline losses for every window, in stream (id) order.</summary>
    IReadOnlyList<WindowLoss> LossesInStreamOrder();
}
