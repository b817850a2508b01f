using Contoso.InvarLock.WeightNormDrift;
using InvarLock.Sdk.Plugins;

[assembly: InvarLockPlugin(typeof(WeightNormDriftModule))]

namespace Contoso.InvarLock.WeightNormDrift;

/// <summary>The plugin's entry type: registers the weight-norm drift guard.</summary>
public sealed class WeightNormDriftModule : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddGuard(WeightNormDriftGuard.Info, () => new WeightNormDriftGuard());
    }
}
