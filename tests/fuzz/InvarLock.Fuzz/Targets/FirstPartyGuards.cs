using InvarLock.Core.Plugins;
using InvarLock.Edits;
using InvarLock.Guards;

namespace InvarLock.Fuzz.Targets;

/// <summary>The first-party guards and edits registered as the CLI registers them, so policies resolve with the shipped
/// guard defaults and validators and verify recomputes the guard gates under their real ids.</summary>
internal static class FirstPartyGuards
{
    private static readonly Lazy<PluginRegistry> LazyRegistry = new(() =>
    {
        var registry = new PluginRegistry();
        registry.Register(new GuardsPluginModule(), PluginSource.FirstParty);
        registry.Register(new EditsPluginModule(), PluginSource.FirstParty);
        return registry;
    });

    public static PluginRegistry Registry => LazyRegistry.Value;
}
