using InvarLock.Guards.Common;
using InvarLock.Guards.Invariants;
using InvarLock.Guards.Rmt;
using InvarLock.Guards.Spectral;
using InvarLock.Guards.Variance;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Guards;

/// <summary>Registers the first-party guards: <c>invariants</c>, <c>spectral</c>, <c>rmt</c> and <c>variance</c>.</summary>
/// <remarks>Guards keep per-run state, so each registration is a factory that creates a fresh instance.</remarks>
public sealed class GuardsPluginModule : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddGuard(GuardDescriptors.Invariants, () => new InvariantsGuard());
        registrar.AddGuard(GuardDescriptors.Spectral, () => new SpectralGuard());
        registrar.AddGuard(GuardDescriptors.Rmt, () => new RmtGuard());
        registrar.AddGuard(GuardDescriptors.Variance, () => new VarianceGuard());
    }
}
