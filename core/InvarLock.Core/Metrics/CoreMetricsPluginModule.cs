using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Metrics;

/// <summary>Registers the primary metrics that ship with the core: <c>ppl_causal</c>.</summary>
public sealed class CoreMetricsPluginModule : IPluginModule
{
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddMetric(new CausalPerplexityMetric());
    }
}
