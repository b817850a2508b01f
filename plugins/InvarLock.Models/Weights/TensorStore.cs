using InvarLock.Sdk.Models;

namespace InvarLock.Models.Weights;

/// <summary>Float32 parameters in memory, by name. Implements <see cref="IParameterStore"/> for every model of this plugin.</summary>
public sealed class TensorStore : IParameterStore
{
    private readonly Dictionary<string, Entry> _tensors = new(StringComparer.Ordinal);
    private List<ParameterInfo>? _sorted;

    /// <summary>Adds a tensor; <paramref name="data"/> is taken over (not copied).</summary>
    public void Add(string name, int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        if (n != data.Length)
        {
            throw new ArgumentException($"tensor '{name}': shape product {n} != data length {data.Length}", nameof(data));
        }
        if (!_tensors.TryAdd(name, new Entry(new ParameterInfo(name, shape), data)))
        {
            throw new ArgumentException($"tensor '{name}' added twice", nameof(name));
        }
        _sorted = null;
    }

    /// <summary>Removes a tensor if present.</summary>
    public bool Remove(string name)
    {
        _sorted = null;
        return _tensors.Remove(name);
    }

    /// <inheritdoc />
    public IReadOnlyList<ParameterInfo> All
    {
        get
        {
            if (_sorted is null)
            {
                var list = new List<ParameterInfo>(_tensors.Count);
                foreach (Entry e in _tensors.Values)
                {
                    list.Add(e.Info);
                }
                list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                _sorted = list;
            }
            return _sorted;
        }
    }

    /// <inheritdoc />
    public bool TryGet(string name, out ParameterInfo info)
    {
        if (_tensors.TryGetValue(name, out Entry? e))
        {
            info = e.Info;
            return true;
        }
        info = null!;
        return false;
    }

    /// <inheritdoc />
    public Span<float> GetSpan(string name) => GetArray(name);

    /// <summary>The backing array of <paramref name="name"/> (for kernels that want arrays).</summary>
    public float[] GetArray(string name) =>
        _tensors.TryGetValue(name, out Entry? e) ? e.Data : throw new KeyNotFoundException($"no parameter named '{name}'");

    /// <summary>Copies every tensor.</summary>
    public IModelSnapshot Snapshot()
    {
        var copy = new Dictionary<string, float[]>(_tensors.Count, StringComparer.Ordinal);
        long total = 0;
        foreach (var (name, e) in _tensors)
        {
            copy[name] = (float[])e.Data.Clone();
            total += e.Data.Length;
        }
        return new StoreSnapshot(this, copy, total);
    }

    /// <summary>Restores every tensor from a snapshot taken from this store.</summary>
    public void Restore(IModelSnapshot snapshot)
    {
        if (snapshot is not StoreSnapshot s || !ReferenceEquals(s.Owner, this))
        {
            throw new ArgumentException("snapshot was not taken from this model", nameof(snapshot));
        }
        foreach (var (name, data) in s.Data)
        {
            data.AsSpan().CopyTo(_tensors[name].Data);
        }
    }

    private sealed record Entry(ParameterInfo Info, float[] Data);

    private sealed class StoreSnapshot(TensorStore owner, Dictionary<string, float[]> data, long total) : IModelSnapshot
    {
        public TensorStore Owner { get; } = owner;
        public Dictionary<string, float[]> Data { get; } = data;
        public long ElementCount { get; } = total;
        public void Dispose() => Data.Clear();
    }
}
