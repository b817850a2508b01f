using InvarLock.Guards.Common;
using InvarLock.Guards.Invariants;
using InvarLock.Guards.Policy;
using InvarLock.Guards.Rmt;
using InvarLock.Guards.Spectral;
using InvarLock.Guards.Variance;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Guards;

/// <summary>Registers the first-party guards: <c>invariants</c>, <c>spectral</c>, <c>rmt</c> and <c>variance</c>.</summary>
/// <remarks>Guards keep per-run state, so each registration is a factory that creates a fresh instance. Each guard
/// ships its policy (defaults per tier and profile from <c>Policy/guard-policy.json</c>, gate id, finding → policy key),
/// and the module declares the default chain invariants → spectral → rmt → variance → invariants.</remarks>
public sealed class GuardsPluginModule : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddGuard(GuardDescriptors.Invariants, () => new InvariantsGuard(), GuardPolicies.Invariants);
        registrar.AddGuard(GuardDescriptors.Spectral, () => new SpectralGuard(), GuardPolicies.Spectral);
        registrar.AddGuard(GuardDescriptors.Rmt, () => new RmtGuard(), GuardPolicies.Rmt);
        registrar.AddGuard(GuardDescriptors.Variance, () => new VarianceGuard(), GuardPolicies.Variance);
        registrar.DeclareDefaultGuardChain(GuardPolicyData.DefaultChain);
    }
}
