using System.Text.Json;
using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Guards;

/// <summary>What a guard sees in <see cref="IGuard.Prepare"/> (the baseline) or <see cref="IGuard.Validate"/> (the subject).</summary>
public sealed class GuardContext
{
    /// <summary>Creates a context.</summary>
    public GuardContext(IModel model, JsonElement policy, IReadOnlyList<ReadOnlyMemory<int>> calibrationWindows, GuardRunInfo run)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(calibrationWindows);
        ArgumentNullException.ThrowIfNull(run);
        Model = model;
        Policy = policy;
        CalibrationWindows = calibrationWindows;
        Run = run;
    }

    /// <summary>The model under inspection.</summary>
    public IModel Model { get; }

    /// <summary>This guard's resolved policy section (a JSON object; may be empty).</summary>
    public JsonElement Policy { get; }

    /// <summary>Calibration windows (token ids) the guard may evaluate for activation statistics.</summary>
    public IReadOnlyList<ReadOnlyMemory<int>> CalibrationWindows { get; }

    /// <summary>Run-level facts: tier, profile, edit, seed.</summary>
    public GuardRunInfo Run { get; }

    /// <summary>The run's primary metric: a guard that must measure a change (variance's A/B test) scores windows with
    /// it, so its figures are the report's own objective. Null when the host supplies none.</summary>
    public Metrics.IPrimaryMetric? Metric { get; init; }

    /// <summary>Cancellation for long work.</summary>
    public CancellationToken CancellationToken { get; init; }
}
