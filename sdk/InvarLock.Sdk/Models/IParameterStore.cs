namespace InvarLock.Sdk.Models;

/// <summary>The parameters of a model as float32 row-major tensors, addressable by name.</summary>
/// <remarks>Checkpoints stored in half precision (F16, BF16) stay in their stored form until a caller asks to write a
/// tensor: read with <see cref="Read"/>, which widens into the caller's buffer, write with <see cref="Write"/>, which rounds
/// to the stored format, and call <see cref="GetSpan"/> only to
/// change a tensor (it gives that tensor a float32 copy that the model then uses).</remarks>
public interface IParameterStore
{
    /// <summary>Every parameter, sorted by name (ordinal). A tied tensor appears once, under its canonical name.</summary>
    IReadOnlyList<ParameterInfo> All { get; }

    /// <summary>Looks a parameter up by name.</summary>
    bool TryGet(string name, out ParameterInfo info);

    /// <summary>The writable float32 buffer of parameter <paramref name="name"/>. Writes change the model. A tensor
    /// stored in half precision gets a float32 copy on the first call (memory: four bytes per element from then on).</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    Span<float> GetSpan(string name);

    /// <summary>Copies elements <c>[offset, offset + destination.Length)</c> of parameter <paramref name="name"/>
    /// (row-major) into <paramref name="destination"/> as float32, without changing how the tensor is stored.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the tensor.</exception>
    void Read(string name, long offset, Span<float> destination)
    {
        Span<float> all = GetSpan(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, all.Length);
        all.Slice((int)offset, destination.Length).CopyTo(destination);
    }

    /// <summary>Writes <paramref name="source"/> over elements <c>[offset, offset + source.Length)</c> of parameter
    /// <paramref name="name"/> (row-major). A tensor stored in half precision stays half: the values are rounded to its
    /// format, as the framework that stored it would, and no float32 copy is made.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is outside the tensor.</exception>
    void Write(string name, long offset, ReadOnlySpan<float> source)
    {
        Span<float> all = GetSpan(name);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + source.Length, all.Length);
        source.CopyTo(all[(int)offset..]);
    }
}
