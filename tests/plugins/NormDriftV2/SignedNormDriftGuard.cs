using System.Runtime.Loader;
using System.Text.Json.Nodes;
using Contoso.NormMath;
using InvarLock.Sdk;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace Contoso.InvarLock.NormDriftV2;

/// <summary>Measures the signed drift of every 2-D weight's Frobenius norm from the baseline with Contoso.NormMath 2
/// and fails when any |drift| exceeds <c>max_relative_drift</c> (policy key; default 0.05; read with the SDK's
/// <see cref="PolicyReader"/> through <see cref="GuardBase{TPolicy}"/>, so a bad value is IL1002). Reports which NormMath it
/// runs against (version, marker, load context) so a host can check that each plugin sees its own copy.</summary>
public sealed class SignedNormDriftGuard : GuardBase<double>
{
    /// <summary>The registry name.</summary>
    public const string Name = "signed_norm_drift";

    /// <summary>Default limit on |‖W_subject‖ − ‖W_baseline‖| / ‖W_baseline‖.</summary>
    public const double DefaultMaxRelativeDrift = 0.05;

    /// <summary>The guard's descriptor.</summary>
    public static PluginDescriptor Info { get; } =
        new(Name, new Version(2, 0, 0), "Reports the signed drift of each 2-D weight's Frobenius norm from the baseline");

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
        double mostNegative = 0, mostPositive = 0;
        foreach ((string name, double baseNorm) in baseline)
        {
            if (!subject.TryGet(name, out ParameterInfo info) || info.Shape.Count != 2)
            {
                violations.Add(new GuardViolation("weight_missing", $"{name} is missing from the subject or is no longer 2-D", name));
                continue;
            }
            // NormMath 2: signed (version 1 returned the absolute value).
            double drift = Norms.RelativeDrift(baseNorm, Norms.Frobenius(subject.GetSpan(name)));
            mostNegative = Math.Min(mostNegative, drift);
            mostPositive = Math.Max(mostPositive, drift);
            if (!double.IsFinite(drift) || Math.Abs(drift) > limit)
            {
                violations.Add(new GuardViolation("norm_drift",
                    $"{name}: Frobenius norm drifted by {drift:+0.00%;-0.00%} (limit ±{limit:P2})", name, drift, limit));
            }
        }
        System.Reflection.Assembly normMath = typeof(Norms).Assembly;
        Version normMathVersion = normMath.GetName().Version!;
        var metrics = new Dictionary<string, double>
        {
            ["most_negative_drift"] = mostNegative,
            ["most_positive_drift"] = mostPositive,
            ["normmath_major"] = normMathVersion.Major,
            ["normmath_minor"] = normMathVersion.Minor,
            ["weights_checked"] = baseline.Count,
        };
        var details = new JsonObject
        {
            ["limit"] = limit,
            ["normmath_version"] = normMathVersion.ToString(),
            ["normmath_marker"] = Norms.Marker,
            ["normmath_load_context"] = AssemblyLoadContext.GetLoadContext(normMath)?.Name,
        };
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
