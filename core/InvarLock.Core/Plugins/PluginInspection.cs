using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Plugins;

/// <summary>The status of one installed third-party plugin, found by reading its files without running its code.</summary>
/// <param name="Id">Package id.</param>
/// <param name="Version">Package version (null when unreadable).</param>
/// <param name="Provides">Components its manifest declares (empty when unreadable).</param>
/// <param name="SignerFingerprint">The signer recorded at install (null when unreadable).</param>
/// <param name="Status">Enabled (would load), Disabled (gate closed) or Refused.</param>
/// <param name="Reason">Why it is disabled or refused; null when enabled.</param>
/// <param name="Directory">Its folder.</param>
public sealed record PluginInspection(string Id, string? Version, IReadOnlyList<PluginProvision> Provides, string? SignerFingerprint,
    PluginStatus Status, string? Reason, string Directory)
{
    /// <summary>The status as shown by <c>invarlock plugins list</c>.</summary>
    public string StatusText => Status switch
    {
        PluginStatus.Enabled => "enabled",
        PluginStatus.Disabled => $"installed, disabled ({Reason})",
        _ => $"refused ({Reason})",
    };
}
