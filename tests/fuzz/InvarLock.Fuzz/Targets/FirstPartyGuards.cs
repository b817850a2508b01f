using InvarLock.Core;
using InvarLock.Metrics;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Plugins;
using InvarLock.Data;
using InvarLock.Edits;
using InvarLock.Guards;
using InvarLock.Models;

namespace InvarLock.Fuzz.Targets;

/// <summary>The first-party plugins registered as the CLI registers them, so policies resolve with the shipped guard
/// defaults and validators and verify recomputes the guard gates under their real ids.</summary>
internal static class FirstPartyGuards
{
    private static readonly Lazy<PluginRegistry> LazyRegistry = new(() =>
    {
        var registry = new PluginRegistry();
        registry.Register(new MetricsPluginModule(), PluginSource.FirstParty);
        registry.Register(new DataPluginModule(), PluginSource.FirstParty);
        registry.Register(new ModelsPluginModule(), PluginSource.FirstParty);
        registry.Register(new GuardsPluginModule(), PluginSource.FirstParty);
        registry.Register(new EditsPluginModule(), PluginSource.FirstParty);
        return registry;
    });

    public static PluginRegistry Registry => LazyRegistry.Value;

    /// <summary>Runs <c>evaluate</c> as the CLI does with <paramref name="presetPath"/> and <paramref name="overrides"/>
    /// against model folders that do not exist: the policy stage (YAML reading, merge, every metric and guard validator)
    /// runs in full, and a policy it accepts fails at the next stage with the documented missing-folder error.</summary>
    public static void EvaluatePolicyOnly(string? presetPath, IReadOnlyList<string> overrides)
    {
        string missing = Path.Combine(Path.GetTempPath(), "invarlock-fuzz-no-such-model");
        var evaluator = new Evaluator(Registry, new RuntimeFacts("0.0.0-fuzz", "cpu", 1));
        _ = evaluator.Evaluate(new EvaluationRequest
        {
            BaselinePath = missing,
            SubjectPath = missing,
            PresetPath = presetPath,
            PolicyOverrides = overrides,
            Environment = _ => null,
            Threads = 1,
        });
        throw new InvalidOperationException("evaluate succeeded on model folders that do not exist");
    }
}
