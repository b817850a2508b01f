using System.Text.Json;
using System.Text.Json.Nodes;
using Contoso.NormMath;
using InvarLock.Sdk;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace Contoso.InvarLock.WeightNormDrift;

/// <summary>Compares the Frobenius norm of every 2-D weight of the subject with the baseline's and fails when the
/// relative drift of any weight exceeds <c>max_relative_drift</c> (policy key; default 0.05).</summary>
public sealed class WeightNormDriftGuard : IGuard
{
    /// <summary>The registry name.</summary>
    public const string Name = "weight_norm_drift";

    /// <summary>Default limit on |‖W_subject‖ − ‖W_baseline‖| / ‖W_baseline‖.</summary>
    public const double DefaultMaxRelativeDrift = 0.05;

    /// <summary>The guard's descriptor.</summary>
    public static PluginDescriptor Info { get; } =
        new(Name, new Version(1, 0, 0), "Fails when a 2-D weight's Frobenius norm drifts from the baseline");

    private SortedDictionary<string, double>? _baselineNorms;

    /// <inheritdoc />
    public PluginDescriptor Descriptor => Info;

    /// <inheritdoc />
    public GuardPrepared Prepare(GuardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _baselineNorms = Measure(context.Model.Parameters);
        return new GuardPrepared(true, new JsonObject { ["weights"] = _baselineNorms.Count });
    }

    /// <inheritdoc />
    public GuardOutcome Validate(GuardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        SortedDictionary<string, double> baseline = _baselineNorms
            ?? throw new InvalidOperationException($"{Name}: Validate was called before Prepare");
        double limit = ReadLimit(context.Policy);
        IParameterStore subject = context.Model.Parameters;
        var violations = new List<GuardViolation>();
        double maxDrift = 0;
        string? worst = null;
        foreach ((string name, double baseNorm) in baseline)
        {
            if (!subject.TryGet(name, out ParameterInfo info) || info.Shape.Count != 2)
            {
                violations.Add(new GuardViolation("weight_missing", $"{name} is missing from the subject or is no longer 2-D", name));
                continue;
            }
            double drift = Norms.RelativeDrift(baseNorm, Norms.Frobenius(subject.GetSpan(name)));
            if (!double.IsFinite(drift) || drift > maxDrift)
            {
                maxDrift = double.IsFinite(drift) ? drift : double.PositiveInfinity;
                worst = name;
            }
            if (!double.IsFinite(drift) || drift > limit)
            {
                violations.Add(new GuardViolation("norm_drift",
                    $"{name}: Frobenius norm drifted by {drift:P2} (limit {limit:P2})", name, drift, limit));
            }
        }
        var metrics = new Dictionary<string, double>
        {
            ["max_relative_drift"] = maxDrift,
            ["weights_checked"] = baseline.Count,
            ["weights_over_limit"] = violations.Count,
        };
        var details = new JsonObject { ["limit"] = limit, ["worst_weight"] = worst };
        bool passed = violations.Count == 0;
        return new GuardOutcome(passed, passed ? GuardAction.None : GuardAction.Abort, violations, metrics, details);
    }

    private static SortedDictionary<string, double> Measure(IParameterStore parameters)
    {
        var norms = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (ParameterInfo p in parameters.All)
        {
            if (p.Shape.Count == 2)
            {
                norms[p.Name] = Norms.Frobenius(parameters.GetSpan(p.Name));
            }
        }
        return norms;
    }

    private static double ReadLimit(JsonElement policy)
    {
        if (policy.ValueKind == JsonValueKind.Object && policy.TryGetProperty("max_relative_drift", out JsonElement v))
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double limit) || !(limit > 0) || !double.IsFinite(limit))
            {
                throw new ArgumentOutOfRangeException(nameof(policy), $"{Name}: max_relative_drift must be a positive number");
            }
            return limit;
        }
        return DefaultMaxRelativeDrift;
    }
}
