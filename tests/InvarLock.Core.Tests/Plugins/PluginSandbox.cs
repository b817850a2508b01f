using InvarLock.Core.Plugins;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>A temporary InvarLock home (plugins folder + trust list) for one test; deleted on dispose.</summary>
internal sealed class PluginSandbox : IDisposable
{
    public PluginSandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), $"invarlock-plugins-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        Home = Path.Combine(Root, "home");
        Directory.CreateDirectory(Home);
    }

    public string Root { get; }

    public string Home { get; }

    public string PluginsDirectory => Path.Combine(Home, "plugins");

    public string TrustFile => Path.Combine(Home, "trust.json");

    public IReadOnlyDictionary<string, string?> Environment(bool allowThirdParty) => new Dictionary<string, string?>
    {
        ["INVARLOCK_HOME"] = Home,
        ["INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS"] = allowThirdParty ? "1" : null,
    };

    public PluginHostOptions Options(bool allowThirdParty) => PluginHostOptions.FromEnvironment(Environment(allowThirdParty));

    public PluginHost Host(bool allowThirdParty) => new(Options(allowThirdParty));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
