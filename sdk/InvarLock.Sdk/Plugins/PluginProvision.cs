namespace InvarLock.Sdk.Plugins;

/// <summary>One component a plugin declares in its manifest.</summary>
/// <param name="Kind">The kind of component.</param>
/// <param name="Name">Its unique name.</param>
public sealed record PluginProvision(PluginKind Kind, string Name);
