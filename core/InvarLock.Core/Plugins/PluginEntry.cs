using InvarLock.Sdk;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Plugins;

/// <summary>One registered component: its kind, descriptor and source.</summary>
public sealed record PluginEntry(PluginKind Kind, PluginDescriptor Descriptor, PluginSource Source)
{
    public string Name => Descriptor.Name;
}
