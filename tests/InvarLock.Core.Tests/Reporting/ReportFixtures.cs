using InvarLock.Core.Pipeline;
using InvarLock.Core.Policy;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Reporting;

/// <summary>Builds synthetic <see cref="EvaluationRun"/>s with known losses for report, gate and verify tests.</summary>
internal static class ReportFixtures
{
    public const int SequenceLength = 16;

    /// <summary>A run whose subject loss per window is the baseline's plus <paramref name="shift"/> nats per token
    /// (plus noise of scale <paramref name="noise"/> when non-zero).</summary>
    public static EvaluationRun Run(string profile = "dev", string tier = "balanced", int windowsPerArm = 24, double shift = 0.01,
        double noise = 0.02, int seed = 42, IReadOnlyList<GuardRecord>? guards = null, GuardOverheadMeasurement? overhead = null,
        int stride = SequenceLength, DateTimeOffset? started = null, IReadOnlyList<string>? overrides = null, int? bosTokenId = null)
    {
        int[] stream = new int[(2 * windowsPerArm + 2) * SequenceLength];
        for (int i = 0; i < stream.Length; i++)
        {
            stream[i] = (i * 7919 + 13) % 50257;
        }

        WindowSelection selection = WindowSelection.Create(stream, SequenceLength, stride, windowsPerArm, windowsPerArm, "synthetic", bosTokenId);
        ResolvedPolicy policy = FirstPartyPolicy.Resolve(new PolicyRequest(tier, profile, null, null, overrides ?? []));
        var rng = new Random(seed);
        var baselineLosses = new List<WindowLoss>();
        foreach (EvaluationWindow w in selection.Windows)
        {
            int tokens = w.Tokens.Length - 1;
            double perToken = 3.0 + 0.3 * Math.Sin(w.Id * 1.7);
            baselineLosses.Add(new WindowLoss(perToken * tokens, tokens));
        }

        WindowPlan plan = WindowPlan.Create(selection, baselineLosses);
        var (bp, bf) = plan.Split(baselineLosses);
        List<WindowLoss> baselinePreview = [.. bp];
        List<WindowLoss> baselineFinal = [.. bf];
        List<WindowLoss> Shifted(List<WindowLoss> source) => source.Select(l =>
            new WindowLoss(l.LossSum + (shift + (noise == 0 ? 0 : noise * (rng.NextDouble() - 0.5))) * l.TokenCount, l.TokenCount)).ToList();
        var start = started ?? new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var model = new ModelFacts("/models/baseline", "hf_causal", "gpt2", 1234, new string('a', 64), new string('b', 64), new string('c', 64), 2, 50257);
        return new EvaluationRun
        {
            GuardPolicies = FirstPartyPolicy.Guards,
            ToolVersion = "0.1.0-test",
            StartedUtc = start,
            FinishedUtc = start.AddSeconds(12.5),
            Baseline = model,
            Subject = model with { Path = "/models/subject", WeightsSha256 = new string('d', 64) },
            Edit = new EditResult("quant_rtn", [new ParameterChange("h.0.mlp.c_fc.weight", 4096, 0.01, 0.002)]),
            Dataset = new DatasetFacts("synthetic", "generator:v1", new string('e', 64), stream.Length, SequenceLength, stride, seed),
            Windows = plan,
            BaselinePreview = baselinePreview,
            BaselineFinal = baselineFinal,
            SubjectPreview = Shifted(baselinePreview),
            SubjectFinal = Shifted(baselineFinal),
            Guards = guards ?? DefaultGuards(),
            Policy = policy,
            Seed = seed,
            PrimaryMetric = "ppl_causal",
            Plugins = [new PluginUse("guard", "spectral", "1.0.0", "first-party", null)],
            Timings = new RunTimings(1.5, 0.25, 2, 2, 0.5, 12.5),
            GuardOverhead = overhead,
            Threads = 2,
            ComputeBackend = "managed-simd",
        };
    }

    public static IReadOnlyList<GuardRecord> DefaultGuards(string? failing = null)
    {
        string[] names = ["invariants", "spectral", "rmt", "variance", "invariants"];
        var list = new List<GuardRecord>();
        for (int i = 0; i < names.Length; i++)
        {
            GuardOutcome outcome = names[i] == failing
                ? new GuardOutcome(false, GuardAction.Rollback, [new GuardViolation("spectral_z", "z above kappa", "h.0.mlp", 4.2, 3.8)],
                    new Dictionary<string, double> { ["max_z"] = 4.2, ["nan_metric"] = double.NaN })
                : GuardOutcome.Pass(new Dictionary<string, double> { ["checked"] = 12 });
            list.Add(new GuardRecord(names[i], i, "first-party", new GuardPrepared(true), outcome, null, 0.01 * i, 0.02 * i));
        }

        return list;
    }
}
