using InvarLock.Core.Plugins;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>What every stage of one run shares: the plugin registry, progress, cancellation, the warnings raised so far
/// and the plugins used.</summary>
internal sealed class RunContext(PluginRegistry registry, IRunObserver observer, CancellationToken cancellationToken)
{
    private readonly List<PluginUse> _used = [];

    public PluginRegistry Registry { get; } = registry;
    public IRunObserver Observer { get; } = observer;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public List<string> Warnings { get; } = [];

    /// <summary>Records that <paramref name="component"/> took part in the run (for the report's plugin list).</summary>
    public T Use<T>(T component, PluginKind kind) where T : class
    {
        Sdk.PluginDescriptor descriptor = component switch
        {
            IModelAdapter a => a.Descriptor,
            IEdit e => e.Descriptor,
            IDatasetProvider d => d.Descriptor,
            IPrimaryMetric m => m.Descriptor,
            Sdk.PluginDescriptor p => p,
            _ => throw new ArgumentException("unsupported component", nameof(component)),
        };
        Registry.TryGetEntry(kind, descriptor.Name, out PluginEntry entry);
        _used.Add(new PluginUse(PluginRegistry.KindWord(kind), descriptor.Name, descriptor.Version.ToString(),
            entry?.Source.Package ?? "unknown", entry?.Source.SignerFingerprint));
        return component;
    }

    /// <summary>The plugins used, once each, sorted by kind then name.</summary>
    public IReadOnlyList<PluginUse> PluginsUsed()
    {
        var seen = new HashSet<(string, string)>();
        var list = new List<PluginUse>();
        foreach (PluginUse u in _used)
        {
            if (seen.Add((u.Kind, u.Name)))
            {
                list.Add(u);
            }
        }
        list.Sort((a, b) => a.Kind != b.Kind ? string.CompareOrdinal(a.Kind, b.Kind) : string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>Progress adapter for metric scoring.</summary>
    public IProgress<int> Progress => new ObserverProgress(Observer);

    private sealed class ObserverProgress(IRunObserver observer) : IProgress<int>
    {
        public void Report(int value) => observer.Advanced(value);
    }
}
