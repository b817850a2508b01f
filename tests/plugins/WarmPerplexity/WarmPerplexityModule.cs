using Contoso.InvarLock.WarmPerplexity;
using InvarLock.Sdk.Plugins;

[assembly: InvarLockPlugin(typeof(WarmPerplexityModule))]

namespace Contoso.InvarLock.WarmPerplexity;

/// <summary>The plugin's entry type: registers the warm causal perplexity metric.</summary>
public sealed class WarmPerplexityModule : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddMetric(new WarmPerplexityMetric());
    }
}
