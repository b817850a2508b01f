namespace InvarLock.Sdk.Plugins;

/// <summary>The entry point of a plugin assembly: registers its components.</summary>
public interface IPluginModule
{
    /// <summary>Registers every component the plugin provides. Called once, at load.</summary>
    void Register(IPluginRegistrar registrar);
}
