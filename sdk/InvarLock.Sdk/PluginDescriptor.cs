namespace InvarLock.Sdk;

/// <summary>Identifies a registered component (adapter, guard, edit, dataset provider, metric).</summary>
/// <param name="Name">The unique name users type (for example <c>spectral</c>); lower-case letters, digits and underscores.</param>
/// <param name="Version">The component's version.</param>
/// <param name="Description">One line shown by <c>invarlock plugins list</c>.</param>
public sealed record PluginDescriptor(string Name, Version Version, string Description);
