using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Compute;
using InvarLock.Guards.Common;
using InvarLock.Numerics;
using InvarLock.Sdk.Guards;

namespace InvarLock.Guards.Rmt;

/// <summary>The RMT guard's policy (guards.md §1.5, §4.1). Missing keys take the balanced tier's values.</summary>
/// <param name="Q">"auto" or a number in [0.1, 10] (recorded only).</param>
/// <param name="Deadband">Recorded only; the live decision is the ε-band (reference behaviour).</param>
/// <param name="Margin">Recorded only.</param>
/// <param name="Correct">Recorded only.</param>
/// <param name="EpsilonDefault">ε for families without their own value.</param>
/// <param name="EpsilonByFamily">ε per family (attn, ffn, embed, other always present).</param>
/// <param name="ActivationRequired">Null (absent) means not required; the ci and release profile defaults set it true.</param>
/// <param name="EstimatorIters">Power-iteration rounds (default 3).</param>
/// <param name="EstimatorInit">Start vector.</param>
/// <param name="WindowCount">Calibration windows sampled (default 8).</param>
/// <param name="IndicesPolicy">evenly_spaced, first or last.</param>
internal sealed record RmtOptions(
    string Q,
    double Deadband,
    double Margin,
    bool Correct,
    double EpsilonDefault,
    IReadOnlyDictionary<string, double> EpsilonByFamily,
    bool? ActivationRequired,
    int EstimatorIters,
    PowerIterationStart EstimatorInit,
    int WindowCount,
    string IndicesPolicy)
{
    public static readonly string[] CoreFamilies = ["attn", "embed", "ffn", "other"];

    public static RmtOptions Balanced { get; } = new("auto", 0.10, 1.5, true, 0.01, Fill(null, 0.01), null, 3, PowerIterationStart.Ones, 8, "evenly_spaced");

    public double EpsilonFor(string family) => EpsilonByFamily.TryGetValue(family, out double e) ? e : EpsilonDefault;

    private static SortedDictionary<string, double> Fill(IReadOnlyDictionary<string, double>? given, double fallback)
    {
        var map = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (given is not null)
        {
            foreach (KeyValuePair<string, double> kv in given)
            {
                map[kv.Key] = kv.Value;
            }
        }
        foreach (string f in CoreFamilies)
        {
            map.TryAdd(f, fallback);
        }
        return map;
    }

    /// <summary>Parses a whole section (<see cref="Read"/>, then unknown keys are rejected).</summary>
    public static RmtOptions Parse(JsonElement policy) => PolicyReader.Read("guards.rmt", policy, Read);

    /// <summary>Reads every key of the section from <paramref name="s"/>: the guard's
    /// <see cref="GuardBase{TPolicy}.ParsePolicy"/> hook.</summary>
    public static RmtOptions Read(PolicyReader s)
    {
        ArgumentNullException.ThrowIfNull(s);
        s.Forbid("epsilon", "use epsilon_default or epsilon_by_family");
        RmtOptions d = Balanced;
        string q = "auto";
        if (s.TryGet("q", out JsonElement qe) && !(qe.ValueKind == JsonValueKind.String && qe.GetString() == "auto"))
        {
            q = s.Number("q", 0, 0.1, 10).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        double epsDefault = s.Number("epsilon_default", d.EpsilonDefault, 0);
        var byFamily = new SortedDictionary<string, double>(StringComparer.Ordinal);
        PolicyReader eps = s.Child("epsilon_by_family");
        foreach ((string key, JsonElement _) in eps.Properties())
        {
            if (eps.TryGet(key, out _))
            {
                byFamily[key] = eps.Number(key, epsDefault, 0);
            }
        }
        PolicyReader est = s.Child("estimator");
        est.Choice("type", "power_iter", "power_iter");
        PolicyReader windows = s.Child("activation").Child("sampling").Child("windows");
        return new RmtOptions(
            q,
            s.Number("deadband", d.Deadband, 0, 0.5),
            s.Number("margin", d.Margin, 1),
            s.Boolean("correct", d.Correct),
            epsDefault,
            Fill(byFamily, epsDefault),
            s.TryGet("activation_required", out _) ? s.Boolean("activation_required", false) : null,
            est.Integer("iters", d.EstimatorIters, 1, 1000),
            est.Choice("init", "ones", "ones", "e0") == "e0" ? PowerIterationStart.E0 : PowerIterationStart.Ones,
            windows.Integer("count", d.WindowCount, 0, 100000),
            windows.Choice("indices_policy", d.IndicesPolicy, "evenly_spaced", "first", "last"));
    }

    /// <summary>Estimator and activation sampling: the measurement contract recorded and hashed (guards.md §7.4).</summary>
    public JsonObject MeasurementContract() => new()
    {
        ["activation_sampling"] = new JsonObject
        {
            ["windows"] = new JsonObject { ["count"] = WindowCount, ["indices_policy"] = IndicesPolicy },
        },
        ["estimator"] = new JsonObject
        {
            ["init"] = EstimatorInit == PowerIterationStart.E0 ? "e0" : "ones",
            ["iters"] = EstimatorIters,
            ["type"] = "power_iter",
        },
    };

    public JsonObject ToJson() => new()
    {
        ["activation_required"] = ActivationRequired,
        ["correct"] = Correct,
        ["deadband"] = Deadband,
        ["epsilon_by_family"] = JsonHelpers.Numbers(EpsilonByFamily),
        ["epsilon_default"] = EpsilonDefault,
        ["margin"] = Margin,
        ["measurement_contract"] = MeasurementContract(),
        ["q"] = Q,
    };
}
