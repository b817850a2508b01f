using InvarLock.Core.Security;

namespace InvarLock.Core.Plugins;

/// <summary>Where third-party plugins live and whether they may load.</summary>
/// <param name="PluginsDirectory">The plugins folder (<c>INVARLOCK_PLUGINS_DIR</c>, default <c>~/.invarlock/plugins</c>).</param>
/// <param name="TrustFile">The trust list (<c>$INVARLOCK_HOME/trust.json</c>, default <c>~/.invarlock/trust.json</c>).</param>
/// <param name="AllowThirdParty">True when <c>INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS</c> is set to a true value.</param>
public sealed record PluginHostOptions(string PluginsDirectory, string TrustFile, bool AllowThirdParty)
{
    /// <summary>The reason shown for installed plugins while the gate is closed.</summary>
    public const string DisabledReason = EnvironmentFlags.AllowThirdPartyPlugins + " not set";

    /// <summary>Resolves the options from an environment snapshot.</summary>
    public static PluginHostOptions FromEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string home = HomeDirectory(environment);
        string plugins = EnvironmentFlags.Value(environment, EnvironmentFlags.PluginsDirectory) ?? Path.Combine(home, "plugins");
        return new PluginHostOptions(Path.GetFullPath(plugins), Path.Combine(home, "trust.json"),
            EnvironmentFlags.IsSet(environment, EnvironmentFlags.AllowThirdPartyPlugins));
    }

    /// <summary><c>INVARLOCK_HOME</c>, or <c>~/.invarlock</c>.</summary>
    public static string HomeDirectory(IReadOnlyDictionary<string, string?> environment)
    {
        string? home = EnvironmentFlags.Value(environment, EnvironmentFlags.Home);
        if (home is not null)
        {
            return Path.GetFullPath(home);
        }
        string profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(profile))
        {
            profile = EnvironmentFlags.Value(environment, "HOME") ?? Path.GetTempPath();
        }
        return Path.Combine(profile, ".invarlock");
    }
}
