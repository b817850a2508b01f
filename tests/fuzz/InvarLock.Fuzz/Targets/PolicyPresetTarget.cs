
namespace InvarLock.Fuzz.Targets;

/// <summary>A <c>--preset FILE.yaml</c>: the bounded YAML reader, the preset's key checks, the merge into the tier and
/// every metric and guard validator, through <c>evaluate --preset</c> (<see cref="FirstPartyGuards.EvaluatePolicyOnly"/>).</summary>
internal sealed class PolicyPresetTarget : IFuzzTarget
{
    /// <summary>The target's name (a constant, so listing targets runs no instrumented code).</summary>
    public const string TargetName = "policy-preset";

    public string Name => TargetName;

    public void Run(byte[] input)
    {
        string path = Path.Combine(FuzzWorkspace.CleanFolder(Name), "preset.yaml");
        File.WriteAllBytes(path, input);
        FirstPartyGuards.EvaluatePolicyOnly(path, []);
    }

    public void WriteSeeds(string folder)
    {
        File.WriteAllText(Path.Combine(folder, "guards-and-metrics.yaml"), """
            # A preset as docs/reference/policy.md describes it: guards, metrics, guard_order.
            guard_order: [invariants, spectral, rmt, variance, invariants]
            guards:
              spectral:
                max_caps: 3
              rmt:
                deadband: 0.15
                activation_required: true
              variance:
                monitor_only: true
            metrics:
              pm_ratio:
                ratio_limit_base: 1.2
                min_tokens: 1000
              pm_tail:
                mode: fail
                quantile: 0.9
            """);
        File.WriteAllText(Path.Combine(folder, "flow-style.yaml"),
            "{guards: {spectral: {max_caps: 5}}, metrics: {pm_ratio: {hysteresis_ratio: 0.001}}, guard_order: ['invariants', \"spectral\"]}\n");
        File.WriteAllText(Path.Combine(folder, "anchors-and-tags.yaml"),
            "guards: &g\n  spectral: !!map {max_caps: 0x10}\nmetrics: {pm_tail: {mode: ~, min_windows: 1e2}}\n---\nsecond: document\n");
        using Stream tiers = typeof(InvarLock.Core.Evaluator).Assembly.GetManifestResourceStream("InvarLock.Core.Policy.tiers.yaml")
            ?? throw new InvalidOperationException("the shipped tiers.yaml resource is missing");
        using var reader = new StreamReader(tiers);
        File.WriteAllText(Path.Combine(folder, "shipped-tiers.yaml"), reader.ReadToEnd());
    }
}
