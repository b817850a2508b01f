using System.Text.RegularExpressions;
using InvarLock.Sdk;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Plugins;

/// <summary>The one registry of adapters, guards, edits, dataset providers and metrics, first- and third-party alike.</summary>
/// <remarks>Names are unique per kind; registering a name twice is an error naming both sources.</remarks>
public sealed partial class PluginRegistry
{
    private readonly Dictionary<(PluginKind, string), PluginEntry> _entries = new();
    private readonly Dictionary<string, IModelAdapter> _adapters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<IGuard>> _guards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IEdit> _edits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IDatasetProvider> _datasets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPrimaryMetric> _metrics = new(StringComparer.Ordinal);
    private readonly Dictionary<(PluginKind, string), PluginEntry> _unavailable = new();
    private readonly List<(string Name, IGuardPolicyProvider Provider)> _guardPolicies = [];
    private IReadOnlyList<string> _defaultGuardChain = [];
    private string? _defaultGuardChainSource;

    /// <summary>Every entry, sorted by kind then name: the registered (enabled) components, and installed third-party
    /// components that are disabled or refused (see <see cref="PluginEntry.Status"/>).</summary>
    public IReadOnlyList<PluginEntry> Entries
    {
        get
        {
            var list = new List<PluginEntry>(_entries.Values);
            foreach (KeyValuePair<(PluginKind, string), PluginEntry> kv in _unavailable)
            {
                if (!_entries.ContainsKey(kv.Key))
                {
                    list.Add(kv.Value);
                }
            }
            list.Sort((a, b) => a.Kind != b.Kind ? a.Kind.CompareTo(b.Kind) : string.CompareOrdinal(a.Name, b.Name));
            return list;
        }
    }

    /// <summary>Registers the components of <paramref name="module"/> under <paramref name="source"/>.</summary>
    public IReadOnlyList<PluginEntry> Register(IPluginModule module, PluginSource source)
    {
        ArgumentNullException.ThrowIfNull(module);
        var registrar = new Registrar(this, source);
        module.Register(registrar);
        return registrar.Added;
    }

    public bool TryGetEntry(PluginKind kind, string name, out PluginEntry entry) =>
        _entries.TryGetValue((kind, name), out entry!);

    public IReadOnlyList<IModelAdapter> Adapters
    {
        get
        {
            var names = new List<string>(_adapters.Keys);
            names.Sort(StringComparer.Ordinal);
            var list = new List<IModelAdapter>(names.Count);
            foreach (string n in names)
            {
                list.Add(_adapters[n]);
            }
            return list;
        }
    }

    public IModelAdapter GetAdapter(string name) => Lookup(_adapters, PluginKind.Adapter, name);

    public IGuard CreateGuard(string name) => Lookup(_guards, PluginKind.Guard, name)();

    /// <summary>What the registered guards ship about their policy, and the declared default chain.</summary>
    public GuardPolicyCatalog GuardPolicies => new([.. _guardPolicies], _defaultGuardChain);

    /// <summary>The policy adjustments the named edit declares (<see cref="IEditPolicyAdjustments"/>), or null when it
    /// declares none or is not registered.</summary>
    public System.Text.Json.Nodes.JsonObject? EditPolicyAdjustments(string editName) =>
        _edits.TryGetValue(editName, out IEdit? edit) && edit is IEditPolicyAdjustments adjusting ? adjusting.PolicyAdjustments() : null;

    public IEdit GetEdit(string name) => Lookup(_edits, PluginKind.Edit, name);

    public IDatasetProvider GetDataset(string name) => Lookup(_datasets, PluginKind.Dataset, name);

    public IPrimaryMetric GetMetric(string name) => Lookup(_metrics, PluginKind.Metric, name);

    /// <summary>The metric a run uses when none is named: the first-party metric (first by name) that scores
    /// <paramref name="objective"/>, else any registered one that does; null when none does.</summary>
    public IPrimaryMetric? DefaultMetric(string objective)
    {
        var names = new List<string>(_metrics.Keys);
        names.Sort(StringComparer.Ordinal);
        IPrimaryMetric? fallback = null;
        foreach (string name in names)
        {
            IPrimaryMetric metric = _metrics[name];
            if (metric.Objective != objective)
            {
                continue;
            }
            if (TryGetEntry(PluginKind.Metric, name, out PluginEntry entry) && entry.Source.IsFirstParty)
            {
                return metric;
            }
            fallback ??= metric;
        }
        return fallback;
    }

    /// <summary>Why <paramref name="name"/> cannot be used, when an installed third-party plugin provides it but was
    /// disabled or refused; null when the name is registered or entirely unknown.</summary>
    public string? ExplainUnavailable(PluginKind kind, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_entries.ContainsKey((kind, name)) || !_unavailable.TryGetValue((kind, name), out PluginEntry? entry))
        {
            return null;
        }
        string package = $"{entry.Source.Package} {entry.Source.PackageVersion}".TrimEnd();
        return entry.Status == PluginStatus.Disabled
            ? $"{KindWord(kind)} '{name}' comes from the installed third-party plugin {package}, which is disabled ({entry.StatusReason}); set INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS=1 to enable signed plugins from trusted signers"
            : $"{KindWord(kind)} '{name}' comes from the installed third-party plugin {package}, which was refused: {entry.StatusReason}";
    }

    /// <summary>Records an installed component that was not loaded, so listings show it and naming it explains why.</summary>
    internal void AddUnavailable(PluginEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Status == PluginStatus.Enabled)
        {
            throw new ArgumentException("an unavailable entry must be disabled or refused", nameof(entry));
        }
        _unavailable.TryAdd((entry.Kind, entry.Name), entry);
    }

    /// <summary>Throws the duplicate-name error, naming both sources, when any of <paramref name="provisions"/> is
    /// already registered. Lets a plugin be checked before any of its components is added.</summary>
    internal void EnsureCanRegister(IEnumerable<PluginProvision> provisions, PluginSource source)
    {
        foreach (PluginProvision p in provisions)
        {
            if (_entries.TryGetValue((p.Kind, p.Name), out PluginEntry? existing))
            {
                throw new PluginConflictException(
                    $"duplicate {KindWord(p.Kind)} '{p.Name}': registered by {existing.Source.Package} and again by {source.Package}");
            }
        }
    }

    private T Lookup<T>(Dictionary<string, T> map, PluginKind kind, string name)
    {
        if (map.TryGetValue(name, out T? value))
        {
            return value;
        }
        string? unavailable = ExplainUnavailable(kind, name);
        if (unavailable is not null)
        {
            throw new InvarLockException(ErrorCodes.PluginRefused, unavailable);
        }
        var known = new List<string>(map.Keys);
        known.Sort(StringComparer.Ordinal);
        throw new InvarLockException(ErrorCodes.UnknownPlugin,
            $"unknown {KindWord(kind)} '{name}'; known: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}");
    }

    internal static string KindWord(PluginKind kind) => kind switch
    {
        PluginKind.Adapter => "adapter",
        PluginKind.Guard => "guard",
        PluginKind.Edit => "edit",
        PluginKind.Dataset => "dataset provider",
        PluginKind.Metric => "primary metric",
        _ => kind.ToString(),
    };

    private void Add(PluginKind kind, PluginDescriptor descriptor, PluginSource source, Action add, List<PluginEntry> added)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!NamePattern().IsMatch(descriptor.Name))
        {
            throw new InvarLockException(ErrorCodes.PluginRefused,
                $"{KindWord(kind)} name '{descriptor.Name}' from {source.Package} is invalid: use lower-case letters, digits and underscores");
        }
        if (_entries.TryGetValue((kind, descriptor.Name), out PluginEntry? existing))
        {
            throw new InvarLockException(ErrorCodes.PluginRefused,
                $"duplicate {KindWord(kind)} '{descriptor.Name}': registered by {existing.Source.Package} and again by {source.Package}");
        }
        add();
        var entry = new PluginEntry(kind, descriptor, source);
        _entries[(kind, descriptor.Name)] = entry;
        added.Add(entry);
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex NamePattern();

    private sealed class Registrar(PluginRegistry registry, PluginSource source) : IPluginRegistrar
    {
        public List<PluginEntry> Added { get; } = [];

        public void AddAdapter(IModelAdapter adapter)
        {
            ArgumentNullException.ThrowIfNull(adapter);
            registry.Add(PluginKind.Adapter, adapter.Descriptor, source, () => registry._adapters[adapter.Descriptor.Name] = adapter, Added);
        }

        public void AddGuard(PluginDescriptor descriptor, Func<IGuard> factory)
        {
            ArgumentNullException.ThrowIfNull(factory);
            registry.Add(PluginKind.Guard, descriptor, source, () => registry._guards[descriptor.Name] = factory, Added);
        }

        public void AddGuard(PluginDescriptor descriptor, Func<IGuard> factory, IGuardPolicyProvider policy)
        {
            ArgumentNullException.ThrowIfNull(factory);
            ArgumentNullException.ThrowIfNull(policy);
            registry.Add(PluginKind.Guard, descriptor, source, () =>
            {
                registry._guards[descriptor.Name] = factory;
                registry._guardPolicies.Add((descriptor.Name, policy));
            }, Added);
        }

        public void DeclareDefaultGuardChain(IReadOnlyList<string> guardNames)
        {
            ArgumentNullException.ThrowIfNull(guardNames);
            if (registry._defaultGuardChainSource is { } existing)
            {
                throw new InvarLockException(ErrorCodes.PluginRefused,
                    $"default guard chain: declared by {existing} and again by {source.Package}");
            }
            if (guardNames.Count == 0 || guardNames.Any(n => n is null || !NamePattern().IsMatch(n)))
            {
                throw new InvarLockException(ErrorCodes.PluginRefused,
                    $"default guard chain from {source.Package}: give one or more guard names (lower-case letters, digits and underscores)");
            }
            registry._defaultGuardChain = [.. guardNames];
            registry._defaultGuardChainSource = source.Package;
        }

        public void AddEdit(IEdit edit)
        {
            ArgumentNullException.ThrowIfNull(edit);
            registry.Add(PluginKind.Edit, edit.Descriptor, source, () => registry._edits[edit.Descriptor.Name] = edit, Added);
        }

        public void AddDataset(IDatasetProvider provider)
        {
            ArgumentNullException.ThrowIfNull(provider);
            registry.Add(PluginKind.Dataset, provider.Descriptor, source, () => registry._datasets[provider.Descriptor.Name] = provider, Added);
        }

        public void AddMetric(IPrimaryMetric metric)
        {
            ArgumentNullException.ThrowIfNull(metric);
            registry.Add(PluginKind.Metric, metric.Descriptor, source, () => registry._metrics[metric.Descriptor.Name] = metric, Added);
        }
    }
}

/// <summary>Two sources register the same component name.</summary>
internal sealed class PluginConflictException(string message) : InvarLockException(ErrorCodes.PluginRefused, message);
