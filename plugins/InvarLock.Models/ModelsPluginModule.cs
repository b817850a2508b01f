using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Plugins;

[assembly: InvarLockPlugin(typeof(InvarLock.Models.ModelsPluginModule))]

namespace InvarLock.Models;

/// <summary>Registers the model adapters of this plugin.</summary>
public sealed class ModelsPluginModule : IPluginModule
{
    /// <inheritdoc />
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddAdapter(new HfCausalAdapter());
        registrar.AddAdapter(new HfMlmAdapter());
    }
}
