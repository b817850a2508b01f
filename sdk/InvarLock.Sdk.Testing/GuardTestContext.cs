using System.Text.Json;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Testing;

/// <summary>Builds the <see cref="GuardContext"/> and <see cref="GuardRunInfo"/> a host would hand a guard, and runs a
/// guard's prepare/validate cycle, for unit tests.</summary>
public static class GuardTestContext
{
    /// <summary>The seed the helpers put in <see cref="GuardRunInfo.Seed"/> unless told otherwise.</summary>
    public const int DefaultSeed = 42;

    /// <summary>An empty policy section (<c>{}</c>).</summary>
    public static JsonElement EmptyPolicy => Policy("{}");

    /// <summary>Parses a policy section written as JSON.</summary>
    /// <param name="json">A JSON object, for example <c>{"max_relative_drift": 0.1}</c>.</param>
    /// <exception cref="JsonException"><paramref name="json"/> is not valid JSON.</exception>
    public static JsonElement Policy(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Run-level facts.</summary>
    /// <param name="tier">Policy tier: balanced, conservative or aggressive.</param>
    /// <param name="profile">Profile: dev, ci, ci_cpu or release.</param>
    /// <param name="edit">The edit that made the subject, or null for a subject the user brought.</param>
    /// <param name="observeOnly">True when the guard must leave the subject's weights as it found them.</param>
    /// <param name="seed">The run's seed.</param>
    public static GuardRunInfo RunInfo(string tier = "balanced", string profile = "dev", string? edit = null,
        bool observeOnly = false, int seed = DefaultSeed) =>
        new(tier, profile, edit, seed) { ObserveOnly = observeOnly };

    /// <summary>A context for <see cref="IGuard.Prepare"/> or <see cref="IGuard.Validate"/>.</summary>
    /// <param name="model">The model the guard inspects.</param>
    /// <param name="policy">The guard's policy section; null for <see cref="EmptyPolicy"/>.</param>
    /// <param name="windows">Calibration windows; null for none (see <see cref="FakeModel.Windows"/>).</param>
    /// <param name="tier">Policy tier.</param>
    /// <param name="profile">Profile.</param>
    /// <param name="edit">The edit name, or null.</param>
    /// <param name="observeOnly">See <see cref="GuardRunInfo.ObserveOnly"/>.</param>
    /// <param name="cancellationToken">Cancellation handed to the guard.</param>
    /// <param name="metric">The run's primary metric (<see cref="GuardContext.Metric"/>), for guards that score windows.</param>
    public static GuardContext Context(IModel model, JsonElement? policy = null, IReadOnlyList<ReadOnlyMemory<int>>? windows = null,
        string tier = "balanced", string profile = "dev", string? edit = null, bool observeOnly = false,
        CancellationToken cancellationToken = default, IPrimaryMetric? metric = null) =>
        new(model, policy ?? EmptyPolicy, windows ?? [], RunInfo(tier, profile, edit, observeOnly))
        {
            Metric = metric,
            CancellationToken = cancellationToken,
        };

    /// <summary>What the host does with one guard: <see cref="IPolicyCheckingGuard.CheckPolicy"/> (when implemented),
    /// <see cref="IGuard.Prepare"/> on <paramref name="baseline"/>, then <see cref="IGuard.Validate"/> on
    /// <paramref name="subject"/>, with the same policy and windows.</summary>
    /// <param name="guard">A fresh guard instance.</param>
    /// <param name="baseline">The baseline model.</param>
    /// <param name="subject">The subject model (may be <paramref name="baseline"/> after an in-place edit).</param>
    /// <param name="policy">The guard's policy section; null for <see cref="EmptyPolicy"/>.</param>
    /// <param name="windows">Calibration windows; null for none.</param>
    /// <param name="metric">The run's primary metric, for guards that score windows.</param>
    /// <returns>The preparation record and the outcome.</returns>
    public static (GuardPrepared Prepared, GuardOutcome Outcome) Run(IGuard guard, IModel baseline, IModel subject,
        JsonElement? policy = null, IReadOnlyList<ReadOnlyMemory<int>>? windows = null, IPrimaryMetric? metric = null)
    {
        ArgumentNullException.ThrowIfNull(guard);
        JsonElement section = policy ?? EmptyPolicy;
        (guard as IPolicyCheckingGuard)?.CheckPolicy(section);
        GuardPrepared prepared = guard.Prepare(Context(baseline, section, windows, metric: metric));
        GuardOutcome outcome = guard.Validate(Context(subject, section, windows, metric: metric));
        return (prepared, outcome);
    }
}
