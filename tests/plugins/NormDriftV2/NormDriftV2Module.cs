using Contoso.InvarLock.NormDriftV2;
using InvarLock.Sdk.Plugins;

[assembly: InvarLockPlugin(typeof(NormDriftV2Module))]

namespace Contoso.InvarLock.NormDriftV2;

/// <summary>The plugin's entry type: registers the signed norm drift guard.</summary>
public sealed class NormDriftV2Module : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddGuard(SignedNormDriftGuard.Info, () => new SignedNormDriftGuard());
    }
}
