using System.Text.Json.Nodes;
using Contoso.NormMath;
using InvarLock.Sdk;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace Contoso.InvarLock.WeightNormDrift;

/// <summary>Compares the Frobenius norm of every 2-D weight of the subject with the baseline's and fails when the
/// relative drift of any weight exceeds <c>max_relative_drift</c> (policy key; default 0.05).</summary>
/// <remarks>Built on the SDK's <see cref="GuardBase{TPolicy}"/>: the policy is read with a <see cref="PolicyReader"/>
/// (a bad value or an unknown key is IL1002 before any model loads), and validating without a baseline aborts.</remarks>
public sealed class WeightNormDriftGuard : GuardBase<double>
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
    public override PluginDescriptor Descriptor => Info;

    /// <inheritdoc />
    protected override double ParsePolicy(PolicyReader policy) =>
        policy.Number("max_relative_drift", DefaultMaxRelativeDrift, 0, double.PositiveInfinity, minExclusive: true);

    /// <inheritdoc />
    protected override GuardPrepared PrepareCore(GuardContext context, double policy)
    {
        _baselineNorms = Measure(context.Model.Parameters);
        return new GuardPrepared(true, new JsonObject { ["weights"] = _baselineNorms.Count });
    }

    /// <inheritdoc />
    protected override GuardOutcome ValidateCore(GuardContext context, double policy)
    {
        SortedDictionary<string, double> baseline = _baselineNorms!;
        double limit = policy;
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
}
