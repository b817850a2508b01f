using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.Safetensors;

/// <summary>A validated, memory-mapped safetensors file. Opening checks the whole header against the file
/// (header bounds, UTF-8 JSON, dtypes, shape × dtype size = byte span, offsets tiling the data section);
/// tensors are converted to float32 on demand.</summary>
/// <remarks>Every malformed input raises <see cref="InvarLockException"/> with
/// <see cref="ErrorCodes.MalformedSafetensors"/> and a one-line message that starts with the file's path.</remarks>
public sealed unsafe class SafetensorsFile : IDisposable
{
    /// <summary>Elements converted per step, so each byte span stays far below 2 GiB.</summary>
    private const int ConversionChunk = 1 << 24;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _data;
    private readonly Dictionary<string, SafetensorsEntry> _byName;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* data,
        List<SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _map = map;
        _view = view;
        _data = data;
        Entries = entries;
        Metadata = metadata;
        _byName = new Dictionary<string, SafetensorsEntry>(entries.Count, StringComparer.Ordinal);
        foreach (SafetensorsEntry e in entries)
        {
            _byName.Add(e.Name, e);
        }
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Every tensor in the file, sorted by name (ordinal).</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The header's <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and validates <paramref name="path"/>.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when the file does not exist;
    /// <see cref="ErrorCodes.MalformedSafetensors"/> when it is not a regular file (a folder, FIFO or device) or not a
    /// valid safetensors file.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        FileStream stream = InputFile.OpenRead(path, ErrorCodes.MalformedSafetensors, "safetensors file", FileOptions.RandomAccess);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        bool pointerAcquired = false;
        try
        {
            long length = stream.Length;
            if (length < 8)
            {
                throw SafetensorsHeader.Malformed(path, $"file is {length} bytes, shorter than the 8-byte header length");
            }
            Span<byte> prefix = stackalloc byte[8];
            stream.ReadExactly(prefix);
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > SafetensorsHeader.MaxHeaderBytes)
            {
                throw SafetensorsHeader.Malformed(path,
                    $"header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte limit");
            }
            if ((long)headerLength > length - 8)
            {
                throw SafetensorsHeader.Malformed(path,
                    $"header length {headerLength} exceeds the {length - 8} bytes that follow it");
            }
            byte[] header = new byte[(int)headerLength];
            stream.ReadExactly(header);
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = SafetensorsHeader.Parse(path, header, length - dataStart);

            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None,
                leaveOpen: false);
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* basePointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref basePointer);
            pointerAcquired = true;
            byte* data = basePointer + view.PointerOffset + dataStart;
            return new SafetensorsFile(path, map, view, data, entries, metadata);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Release(view, pointerAcquired, map, stream);
            throw SafetensorsHeader.Malformed(path, $"cannot be read ({e.Message})");
        }
        catch
        {
            Release(view, pointerAcquired, map, stream);
            throw;
        }
    }

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGetEntry(string name, out SafetensorsEntry entry) => _byName.TryGetValue(name, out entry!);

    /// <summary>Reads tensor <paramref name="name"/> converted to float32 (exact for F16 and BF16; F64 is rounded).</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    /// <exception cref="InvarLockException">The tensor's dtype is not a floating-point type this plugin reads.</exception>
    public float[] ReadFloat32(string name)
    {
        SafetensorsEntry entry = GetEntry(name);
        if (entry.ElementCount > Array.MaxLength)
        {
            throw SafetensorsHeader.Malformed(Path, $"tensor '{name}' has {entry.ElementCount} elements, more than one array can hold");
        }
        float[] result = new float[entry.ElementCount];
        ReadFloat32(entry, result);
        return result;
    }

    /// <summary>Reads tensor <paramref name="name"/> converted to float32 into <paramref name="destination"/>,
    /// whose length must equal the tensor's element count.</summary>
    public void ReadFloat32(string name, Span<float> destination) => ReadFloat32(GetEntry(name), destination);

    private void ReadFloat32(SafetensorsEntry entry, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!SafetensorsDTypes.IsReadableAsFloat32(entry.DType))
        {
            throw SafetensorsHeader.Malformed(Path,
                $"tensor '{entry.Name}' has dtype {SafetensorsDTypes.ToHeaderName(entry.DType)}, which cannot be read as floating point");
        }
        if (destination.Length != entry.ElementCount)
        {
            throw new ArgumentException(
                $"destination holds {destination.Length} elements; tensor '{entry.Name}' has {entry.ElementCount}", nameof(destination));
        }
        int size = SafetensorsDTypes.SizeOf(entry.DType);
        byte* source = _data + entry.Begin;
        for (int done = 0; done < destination.Length; done += ConversionChunk)
        {
            int count = Math.Min(ConversionChunk, destination.Length - done);
            var bytes = new ReadOnlySpan<byte>(source + (long)done * size, count * size);
            FloatConversions.Widen(entry.DType, bytes, destination.Slice(done, count));
        }
    }

    /// <summary>Adds <paramref name="entry"/> to <paramref name="store"/> under <paramref name="name"/>: F32, F16 and BF16
    /// data aligned to its element size is added as a view of the mapping (the store must keep this file alive), anything
    /// else as a float32 copy.</summary>
    internal void AddTo(Weights.TensorStore store, string name, int[] shape, SafetensorsEntry entry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!SafetensorsDTypes.IsReadableAsFloat32(entry.DType))
        {
            throw SafetensorsHeader.Malformed(Path,
                $"tensor '{entry.Name}' has dtype {SafetensorsDTypes.ToHeaderName(entry.DType)}, which cannot be read as floating point");
        }
        byte* pointer = _data + entry.Begin;
        int size = SafetensorsDTypes.SizeOf(entry.DType);
        bool aligned = ((nint)pointer & (size - 1)) == 0;
        if (aligned && entry.DType is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16
            && entry.ElementCount <= Array.MaxLength)
        {
            bool half = entry.DType != SafetensorsDType.F32;
            Compute.HalfFormat format = entry.DType == SafetensorsDType.F16 ? Compute.HalfFormat.Float16 : Compute.HalfFormat.BFloat16;
            store.AddMapped(name, shape, pointer, entry.ElementCount, half, format);
            return;
        }
        store.Add(name, shape, ReadFloat32(entry.Name));
    }

    /// <summary>The raw little-endian bytes of a tensor (valid until the file is disposed).</summary>
    internal ReadOnlySpan<byte> GetRawBytes(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SafetensorsEntry entry = GetEntry(name);
        if (entry.ByteLength > int.MaxValue)
        {
            throw new NotSupportedException($"tensor '{name}' is larger than 2 GiB");
        }
        return new ReadOnlySpan<byte>(_data + entry.Begin, (int)entry.ByteLength);
    }

    private SafetensorsEntry GetEntry(string name) =>
        _byName.TryGetValue(name, out SafetensorsEntry? e) ? e : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Release(_view, true, _map, null);
    }

    private static void Release(MemoryMappedViewAccessor? view, bool pointerAcquired, MemoryMappedFile? map, FileStream? stream)
    {
        if (view is not null)
        {
            if (pointerAcquired)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            }
            view.Dispose();
        }
        map?.Dispose();
        stream?.Dispose();
    }
}
