using InvarLock.Sdk.Plugins;

namespace InvarLock.Data;

/// <summary>Registers the first-party dataset providers: <c>synthetic</c> and <c>local_text</c>.</summary>
public sealed class DataPluginModule : IPluginModule
{
    public void Register(IPluginRegistrar registrar)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        registrar.AddDataset(new SyntheticDatasetProvider());
        registrar.AddDataset(new LocalTextDatasetProvider());
    }
}
