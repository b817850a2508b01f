using InvarLock.Core;
using InvarLock.Cli;
using InvarLock.Compute;
using InvarLock.Metrics;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Plugins;
using InvarLock.Data;
using InvarLock.Edits;
using InvarLock.Guards;
using InvarLock.Models;
using InvarLock.Sdk.Plugins;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The composition root: the registry with every first-party plugin, the runner and the runtime facts.</summary>
internal static class InvarLockServiceCollectionExtensions
{
    public static IServiceCollection AddInvarLock(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(_ => CreateFirstPartyRegistry());
        services.AddSingleton(_ => new RuntimeFacts(ToolInfo.Version, ComputeEnvironment.Describe().ToString(), ComputeEnvironment.Threads));
        services.AddSingleton<Evaluator>();
        return services;
    }

    /// <summary>A registry holding the curated first-party set, registered through the same SDK seam third-party plugins use.</summary>
    internal static PluginRegistry CreateFirstPartyRegistry()
    {
        var registry = new PluginRegistry();
        IPluginModule[] modules =
        [
            new ModelsPluginModule(),
            new GuardsPluginModule(),
            new EditsPluginModule(),
            new DataPluginModule(),
            new MetricsPluginModule(),
        ];
        foreach (IPluginModule module in modules)
        {
            registry.Register(module, PluginSource.FirstParty);
        }
        return registry;
    }
}
