namespace InvarLock.Sdk.Plugins;

/// <summary>The manifest shipped beside a plugin assembly as <c>invarlock-plugin.json</c>, read before any code loads.</summary>
/// <param name="Id">Package id (for example <c>Contoso.InvarLock.NormDrift</c>).</param>
/// <param name="Version">Package version.</param>
/// <param name="SdkVersion">The SDK version the plugin was built against (major.minor).</param>
/// <param name="Assembly">File name of the entry assembly, relative to the plugin folder.</param>
/// <param name="Provides">Every component it registers, by kind and name.</param>
public sealed record PluginManifest(string Id, string Version, string SdkVersion, string Assembly, IReadOnlyList<PluginProvision> Provides)
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "invarlock-plugin.json";
}
