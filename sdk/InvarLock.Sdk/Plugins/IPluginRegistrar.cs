using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;

namespace InvarLock.Sdk.Plugins;

/// <summary>Where a plugin registers its components. Names are unique across all sources; a duplicate is an error.</summary>
public interface IPluginRegistrar
{
    /// <summary>Registers a model adapter.</summary>
    void AddAdapter(IModelAdapter adapter);

    /// <summary>Registers a guard. Guards hold per-run state, so the registrar takes a factory.</summary>
    void AddGuard(PluginDescriptor descriptor, Func<IGuard> factory);

    /// <summary>Registers an edit.</summary>
    void AddEdit(IEdit edit);

    /// <summary>Registers a dataset provider.</summary>
    void AddDataset(IDatasetProvider provider);

    /// <summary>Registers a primary metric.</summary>
    void AddMetric(IPrimaryMetric metric);
}
