namespace InvarLock.Core.Plugins;

/// <summary>Whether a listed component can be used in a run.</summary>
public enum PluginStatus
{
    /// <summary>Registered and usable.</summary>
    Enabled,
    /// <summary>Installed, but third-party plugins are not enabled (<c>INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS</c> not set).</summary>
    Disabled,
    /// <summary>Installed, but refused: unsigned, untrusted, tampered, incompatible or failing to load.</summary>
    Refused,
}
