using InvarLock.Sdk;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Plugins;

/// <summary>One listed component: its kind, descriptor, source and status.</summary>
/// <remarks>Entries with <see cref="Status"/> other than <see cref="PluginStatus.Enabled"/> are installed third-party
/// components that were not loaded; naming one in a run fails with <see cref="StatusReason"/>.</remarks>
public sealed record PluginEntry(PluginKind Kind, PluginDescriptor Descriptor, PluginSource Source)
{
    public string Name => Descriptor.Name;

    /// <summary>The component's version.</summary>
    public Version Version => Descriptor.Version;

    /// <summary>SHA-256 fingerprint of the package signer; null for first-party components.</summary>
    public string? SignerFingerprint => Source.SignerFingerprint;

    /// <summary>Usable, disabled or refused.</summary>
    public PluginStatus Status { get; init; } = PluginStatus.Enabled;

    /// <summary>Why the component is disabled or refused; null when enabled.</summary>
    public string? StatusReason { get; init; }

    /// <summary>The status as shown by <c>invarlock plugins list</c>, for example "enabled" or
    /// "installed, disabled (INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS not set)".</summary>
    public string StatusText => Status switch
    {
        PluginStatus.Enabled => "enabled",
        PluginStatus.Disabled => $"installed, disabled ({StatusReason})",
        _ => $"refused ({StatusReason})",
    };
}
