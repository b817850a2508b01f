using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Compute;
using InvarLock.Guards.Common;
using InvarLock.Numerics;
using InvarLock.Sdk.Guards;

namespace InvarLock.Guards.Spectral;

/// <summary>Multiple-testing settings of the spectral guard (family-level BH or Bonferroni over m families).</summary>
internal sealed record MultipleTestingOptions(string Method, double Alpha, int? M);

/// <summary>Degeneracy thresholds: stable-rank drop and row/column norm collapse, each with a warn and a fatal ratio.</summary>
internal sealed record DegeneracyOptions(bool Enabled, double StableRankWarn, double StableRankFatal, double NormCollapseWarn, double NormCollapseFatal);

/// <summary>The spectral guard's policy (guards.md §1.5, §3.1). Missing keys take the balanced tier's values.</summary>
internal sealed record SpectralOptions(
    double SigmaQuantile,
    double Deadband,
    string Scope,
    int MaxCaps,
    double? MaxSpectralNorm,
    IReadOnlyDictionary<string, double> FamilyCaps,
    MultipleTestingOptions MultipleTesting,
    bool IgnorePreviewInflation,
    bool CorrectionEnabled,
    int EstimatorIters,
    PowerIterationStart EstimatorInit,
    DegeneracyOptions Degeneracy)
{
    public static SpectralOptions Balanced { get; } = new(
        0.95, 0.10, "all", 5, null,
        new SortedDictionary<string, double>(StringComparer.Ordinal) { ["attn"] = 3.018, ["embed"] = 1.05, ["ffn"] = 3.849, ["other"] = 0.0 },
        new MultipleTestingOptions("bh", 0.05, 4),
        true, false, 4, PowerIterationStart.Ones,
        new DegeneracyOptions(true, 0.5, 0.25, 0.25, 0.10));

    /// <summary>κ for a family; a family without a cap (router, expert_ffn) uses <see cref="SigmaQuantile"/> (reference behaviour).</summary>
    public double KappaFor(string family) => FamilyCaps.TryGetValue(family, out double k) ? k : SigmaQuantile;

    /// <summary>Parses a whole section (<see cref="Read"/>, then unknown keys are rejected).</summary>
    public static SpectralOptions Parse(JsonElement policy) => PolicyReader.Read("guards.spectral", policy, Read);

    /// <summary>Reads every key of the section from <paramref name="s"/>: the guard's
    /// <see cref="GuardBase{TPolicy}.ParsePolicy"/> hook.</summary>
    public static SpectralOptions Read(PolicyReader s)
    {
        ArgumentNullException.ThrowIfNull(s);
        s.Forbid("contraction", "the spectral guard has no contraction setting");
        s.Forbid("kappa", "set family_caps.<family>.kappa");
        s.Forbid("multipletesting", "use multiple_testing");
        SpectralOptions d = Balanced;

        IReadOnlyDictionary<string, double> caps = d.FamilyCaps;
        if (s.TryGet("family_caps", out JsonElement capsElement))
        {
            if (capsElement.ValueKind != JsonValueKind.Object)
            {
                throw PolicyReader.Invalid("guards.spectral.family_caps", capsElement, "a map of family → {kappa}");
            }
            var parsed = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (JsonProperty p in capsElement.EnumerateObject())
            {
                string path = $"guards.spectral.family_caps.{p.Name}";
                JsonElement kappaElement = p.Value;
                if (p.Value.ValueKind == JsonValueKind.Object)
                {
                    if (!p.Value.TryGetProperty("kappa", out kappaElement))
                    {
                        throw PolicyReader.Invalid(path, p.Value, "an object with a kappa");
                    }
                    path += ".kappa";
                }
                if (!PolicyReader.TryReadNumber(kappaElement, out double kappa) || !double.IsFinite(kappa) || kappa < 0)
                {
                    throw PolicyReader.Invalid(path, kappaElement, "[0, inf)");
                }
                parsed[p.Name] = kappa;
            }
            if (parsed.Count > 0)
            {
                caps = parsed;
            }
        }

        PolicyReader mt = s.Child("multiple_testing");
        string method = mt.Choice("method", d.MultipleTesting.Method, "bh", "benjamini-hochberg", "benjamini_hochberg", "bonferroni", "bonf");
        method = method is "bonferroni" or "bonf" ? "bonferroni" : "bh";
        var multipleTesting = new MultipleTestingOptions(
            method,
            mt.Number("alpha", d.MultipleTesting.Alpha, 0, 1, minExclusive: true),
            mt.Has("m") ? (mt.TryGet("m", out _) ? mt.Integer("m", 4, 1) : null) : d.MultipleTesting.M);

        PolicyReader est = s.Child("estimator");
        est.Choice("type", "power_iter", "power_iter");
        int iters = est.Integer("iters", d.EstimatorIters, 1, 1000);
        PowerIterationStart init = est.Choice("init", "ones", "ones", "e0") == "e0" ? PowerIterationStart.E0 : PowerIterationStart.Ones;

        PolicyReader deg = s.Child("degeneracy");
        PolicyReader sr = deg.Child("stable_rank");
        PolicyReader nc = deg.Child("norm_collapse");
        var degeneracy = new DegeneracyOptions(
            deg.Boolean("enabled", d.Degeneracy.Enabled),
            sr.Number("warn_ratio", d.Degeneracy.StableRankWarn, 0, 1),
            sr.Number("fatal_ratio", d.Degeneracy.StableRankFatal, 0, 1),
            nc.Number("warn_ratio", d.Degeneracy.NormCollapseWarn, 0, 1),
            nc.Number("fatal_ratio", d.Degeneracy.NormCollapseFatal, 0, 1));

        return new SpectralOptions(
            s.Number("sigma_quantile", d.SigmaQuantile, 0, 1),
            s.Number("deadband", d.Deadband, 0, 0.5),
            s.Choice("scope", d.Scope, "all", "ffn", "attn", "ffn+proj"),
            s.Integer("max_caps", d.MaxCaps, 0),
            s.OptionalNumber("max_spectral_norm", 0, double.PositiveInfinity, minExclusive: true),
            caps,
            multipleTesting,
            s.Boolean("ignore_preview_inflation", d.IgnorePreviewInflation),
            s.Boolean("correction_enabled", d.CorrectionEnabled),
            iters,
            init,
            degeneracy);
    }

    /// <summary>The measurement contract (estimator and degeneracy settings) recorded in reports and hashed (guards.md §7.4).</summary>
    public JsonObject MeasurementContract() => new()
    {
        ["degeneracy"] = new JsonObject
        {
            ["enabled"] = Degeneracy.Enabled,
            ["norm_collapse"] = new JsonObject { ["fatal_ratio"] = Degeneracy.NormCollapseFatal, ["warn_ratio"] = Degeneracy.NormCollapseWarn },
            ["stable_rank"] = new JsonObject { ["fatal_ratio"] = Degeneracy.StableRankFatal, ["warn_ratio"] = Degeneracy.StableRankWarn },
        },
        ["estimator"] = new JsonObject
        {
            ["init"] = EstimatorInit == PowerIterationStart.E0 ? "e0" : "ones",
            ["iters"] = EstimatorIters,
            ["type"] = "power_iter",
        },
    };

    public JsonObject ToJson()
    {
        var caps = new JsonObject();
        foreach (KeyValuePair<string, double> kv in FamilyCaps)
        {
            caps[kv.Key] = new JsonObject { ["kappa"] = kv.Value };
        }
        return new JsonObject
        {
            ["correction_enabled"] = CorrectionEnabled,
            ["deadband"] = Deadband,
            ["family_caps"] = caps,
            ["ignore_preview_inflation"] = IgnorePreviewInflation,
            ["max_caps"] = MaxCaps,
            ["max_spectral_norm"] = JsonHelpers.Number(MaxSpectralNorm),
            ["measurement_contract"] = MeasurementContract(),
            ["multiple_testing"] = new JsonObject
            {
                ["alpha"] = MultipleTesting.Alpha,
                ["m"] = MultipleTesting.M,
                ["method"] = MultipleTesting.Method,
            },
            ["scope"] = Scope,
            ["sigma_quantile"] = SigmaQuantile,
        };
    }
}
