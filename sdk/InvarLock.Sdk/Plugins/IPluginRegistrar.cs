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

    /// <summary>Registers a guard together with what it ships about its policy: per-tier and per-profile defaults,
    /// its gate id and the policy key behind each finding (see <see cref="IGuardPolicyProvider"/>).</summary>
    void AddGuard(PluginDescriptor descriptor, Func<IGuard> factory, IGuardPolicyProvider policy);

    /// <summary>Declares the guard chain a run uses when its policy sets no <c>guard_order</c> (names may repeat, for
    /// a guard that runs first and last). At most one module of a registry may declare it; every name must be a
    /// guard registered by the time a run starts.</summary>
    void DeclareDefaultGuardChain(IReadOnlyList<string> guardNames);

    /// <summary>Registers an edit.</summary>
    void AddEdit(IEdit edit);

    /// <summary>Registers a dataset provider.</summary>
    void AddDataset(IDatasetProvider provider);

    /// <summary>Registers a primary metric.</summary>
    void AddMetric(IPrimaryMetric metric);
}
