using InvarLock.Compute;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Weights;

/// <summary>The parameters of a model by name, in their stored form: float32 or 16-bit (F16/BF16) arrays, or tensors
/// memory-mapped from safetensors files. Implements <see cref="IParameterStore"/> for every model of this plugin.</summary>
/// <remarks>
/// <para>Half-precision tensors stay half: <see cref="Read"/> widens into the caller's buffer, the forward pass widens
/// while packing, and <see cref="Write"/> rounds into the stored format (copying a mapped tensor into memory first).
/// Only <see cref="GetSpan"/> turns a tensor into float32, because its caller wants a float32 buffer to change.</para>
/// <para>Snapshots are copy-on-write: <see cref="Snapshot"/> records which buffer each tensor uses and copies nothing;
/// the first write to a tensor after a snapshot copies that tensor alone. A rollback therefore costs memory only for
/// the tensors an edit or guard changed.</para>
/// <para>Not thread-safe. Disposing the store unmaps its files; views handed out before are invalid afterwards.</para>
/// </remarks>
public sealed unsafe class TensorStore : IParameterStore, IDisposable
{
    private readonly Dictionary<string, Entry> _tensors = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _owned = [];
    private List<ParameterInfo>? _sorted;
    private bool _disposed;

    /// <summary>Adds a float32 tensor; <paramref name="data"/> is taken over (not copied).</summary>
    public void Add(string name, int[] shape, float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        AddEntry(name, shape, data.Length, new Storage { Floats = data });
    }

    /// <summary>Adds a 16-bit float tensor; <paramref name="data"/> is taken over (not copied).</summary>
    public void Add(string name, int[] shape, ushort[] data, HalfFormat format)
    {
        ArgumentNullException.ThrowIfNull(data);
        AddEntry(name, shape, data.Length, new Storage { Halves = data, Format = format, IsHalf = true });
    }

    /// <summary>Adds a tensor that lives in memory owned by something <see cref="KeepAlive"/> holds (a mapped file).</summary>
    internal void AddMapped(string name, int[] shape, void* data, long count, bool isHalf, HalfFormat format) =>
        AddEntry(name, shape, count, new Storage { Pointer = data, IsHalf = isHalf, Format = format });

    /// <summary>Disposes <paramref name="owner"/> (for example a memory-mapped file) when the store is disposed.</summary>
    internal void KeepAlive(IDisposable owner) => _owned.Add(owner);

    private void AddEntry(string name, int[] shape, long count, Storage storage)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (int d in shape)
        {
            n *= d;
        }
        if (n != count)
        {
            throw new ArgumentException($"tensor '{name}': shape product {n} != data length {count}", nameof(shape));
        }
        if (!_tensors.TryAdd(name, new Entry(new ParameterInfo(name, shape), count) { Current = storage }))
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

    /// <summary>True when tensor <paramref name="name"/> is held as 16-bit floats (stored so, and not since turned into
    /// float32 by <see cref="GetSpan"/>).</summary>
    public bool IsHalf(string name) => Find(name).Current.IsHalf;

    /// <summary>The element type the tensors are held in, as safetensors names it: <c>F32</c>, <c>F16</c>, <c>BF16</c>, or
    /// <c>mixed</c> when they differ (<c>F32</c> for an empty store).</summary>
    public string HeldDType()
    {
        string? kind = null;
        foreach (Entry e in _tensors.Values)
        {
            Storage s = e.Current;
            string k = !s.IsHalf ? "F32" : s.Format == HalfFormat.Float16 ? "F16" : "BF16";
            if (kind is null)
            {
                kind = k;
            }
            else if (kind != k)
            {
                return "mixed";
            }
        }
        return kind ?? "F32";
    }

    /// <inheritdoc />
    /// <remarks>A tensor held as 16-bit floats or memory-mapped becomes a float32 array owned by the store; a tensor
    /// shared with a snapshot is copied first.</remarks>
    public Span<float> GetSpan(string name) => GetArray(name);

    /// <summary>The writable float32 array of <paramref name="name"/> (see <see cref="GetSpan"/>).</summary>
    public float[] GetArray(string name)
    {
        Entry e = Find(name);
        Storage s = e.Current;
        if (s.Floats is not null)
        {
            if (e.Shared)
            {
                e.Current = new Storage { Floats = (float[])s.Floats.Clone() };
                e.Shared = false;
            }
            return e.Current.Floats!;
        }
        float[] widened = new float[checked((int)e.Count)];
        View(e).Widen(0, widened);
        ReleaseMapped(e);
        e.Current = new Storage { Floats = widened };
        e.Shared = false;
        return widened;
    }

    /// <inheritdoc />
    public void Read(string name, long offset, Span<float> destination)
    {
        Entry e = Find(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, e.Count);
        View(e).Widen(offset, destination);
    }

    /// <inheritdoc />
    /// <remarks>A 16-bit tensor stays 16-bit: the values are rounded to its format (to nearest even), as the framework
    /// that stored it would. A memory-mapped tensor is copied into memory first; a tensor shared with a snapshot is
    /// copied before it changes.</remarks>
    public void Write(string name, long offset, ReadOnlySpan<float> source)
    {
        Entry e = Find(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + source.Length, e.Count);
        if (!e.Current.IsHalf)
        {
            source.CopyTo(GetArray(name).AsSpan(checked((int)offset)));
            return;
        }
        Storage s = e.Current;
        if (s.Halves is null || e.Shared)
        {
            ushort[] copy = new ushort[checked((int)e.Count)];
            View(e).Halves.CopyTo(copy);
            ReleaseMapped(e);
            e.Current = new Storage { Halves = copy, Format = s.Format, IsHalf = true };
            e.Shared = false;
        }
        HalfConversions.Narrow(source, e.Current.Format, e.Current.Halves.AsSpan(checked((int)offset), source.Length));
    }

    /// <summary>Once a mapped tensor has its own copy, its pages of the file mapping leave the resident set.</summary>
    private static void ReleaseMapped(Entry e)
    {
        Storage s = e.Current;
        if (s.Pointer is not null)
        {
            MappedPages.Release(s.Pointer, e.Count * (s.IsHalf ? 2 : 4));
        }
    }

    /// <summary>The tensor in its current form, for the kernels.</summary>
    internal WeightView View(string name) => View(Find(name));

    private WeightView View(Entry e)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Storage s = e.Current;
        if (s.Floats is not null)
        {
            return WeightView.OfFloats(s.Floats);
        }
        if (s.Halves is not null)
        {
            return WeightView.OfHalves(s.Halves, s.Format);
        }
        return s.IsHalf ? WeightView.OfHalves((ushort*)s.Pointer, e.Count, s.Format) : WeightView.OfFloats((float*)s.Pointer, e.Count);
    }

    private Entry Find(string name) =>
        _tensors.TryGetValue(name, out Entry? e) ? e : throw new KeyNotFoundException($"no parameter named '{name}'");

    /// <summary>Records the current buffer of every tensor (copy-on-write: nothing is copied now).</summary>
    public IModelSnapshot Snapshot()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var saved = new Dictionary<string, Storage>(_tensors.Count, StringComparer.Ordinal);
        long total = 0;
        foreach (var (name, e) in _tensors)
        {
            saved[name] = e.Current;
            e.Shared = true;
            total += e.Count;
        }
        return new StoreSnapshot(this, saved, total);
    }

    /// <summary>Puts every tensor back to the buffer it used when <paramref name="snapshot"/> was taken from this store.</summary>
    public void Restore(IModelSnapshot snapshot)
    {
        if (snapshot is not StoreSnapshot s || !ReferenceEquals(s.Owner, this))
        {
            throw new ArgumentException("snapshot was not taken from this model", nameof(snapshot));
        }
        ObjectDisposedException.ThrowIf(s.Disposed, s);
        foreach (var (name, storage) in s.Saved)
        {
            if (_tensors.TryGetValue(name, out Entry? e))
            {
                e.Current = storage;
                e.Shared = true; // the snapshot still holds this buffer: the next write copies it again
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (IDisposable owner in _owned)
        {
            owner.Dispose();
        }
        _owned.Clear();
    }

    /// <summary>Where a tensor's values are: exactly one of an owned float32 array, an owned 16-bit array, or a pointer
    /// into mapped memory.</summary>
    private readonly struct Storage
    {
        public float[]? Floats { get; init; }
        public ushort[]? Halves { get; init; }
        public void* Pointer { get; init; }
        public bool IsHalf { get; init; }
        public HalfFormat Format { get; init; }
    }

    private sealed class Entry(ParameterInfo info, long count)
    {
        public ParameterInfo Info { get; } = info;
        public long Count { get; } = count;
        public Storage Current { get; set; }
        /// <summary>True while a snapshot may hold <see cref="Current"/>'s array: the next write must copy it.</summary>
        public bool Shared { get; set; }
    }

    private sealed class StoreSnapshot(TensorStore owner, Dictionary<string, Storage> saved, long total) : IModelSnapshot
    {
        public TensorStore Owner { get; } = owner;
        public Dictionary<string, Storage> Saved { get; } = saved;
        public long ElementCount { get; } = total;
        public bool Disposed { get; private set; }

        public void Dispose()
        {
            Disposed = true;
            Saved.Clear();
        }
    }
}
