using InvarLock.Sdk.Plugins;

namespace InvarLock.Metrics;

/// <summary>Registers the first-party primary metrics: <c>ppl_causal</c> (with its KL divergence / top-1 agreement
/// comparison) and <c>ppl_mlm</c>.</summary>
public sealed class MetricsPluginModule : IPluginModule
{
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddMetric(new CausalPerplexityMetric());
        registrar.AddMetric(new MaskedPerplexityMetric());
    }
}
