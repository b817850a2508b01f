using InvarLock.Core.Plugins;
using InvarLock.Core.Policy;
using InvarLock.Edits;
using InvarLock.Guards;

namespace InvarLock.Core.Tests.TestSupport;

/// <summary>The first-party guards and edits registered as a host would, for tests that need the shipped guard defaults,
/// gate ids and edit adjustments (core itself knows none of them).</summary>
internal static class FirstPartyPolicy
{
    public static PluginRegistry Registry { get; } = Create();

    public static GuardPolicyCatalog Guards => Registry.GuardPolicies;

    /// <summary>Resolves <paramref name="request"/> with the first-party guard defaults and the edit's declared adjustments.</summary>
    public static ResolvedPolicy Resolve(PolicyRequest request, Func<string, string?>? environment = null) =>
        PolicyResolver.Resolve(request with
        {
            EditAdjustments = request.EditName is null ? null : Registry.EditPolicyAdjustments(request.EditName),
        }, Guards, environment ?? (_ => null));

    private static PluginRegistry Create()
    {
        var registry = new PluginRegistry();
        registry.Register(new GuardsPluginModule(), PluginSource.FirstParty);
        registry.Register(new EditsPluginModule(), PluginSource.FirstParty);
        return registry;
    }
}
