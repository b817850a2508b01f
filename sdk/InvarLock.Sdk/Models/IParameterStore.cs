namespace InvarLock.Sdk.Models;

/// <summary>The parameters of a model as float32 row-major buffers, addressable by name.</summary>
public interface IParameterStore
{
    /// <summary>Every parameter, sorted by name (ordinal). A tied tensor appears once, under its canonical name.</summary>
    IReadOnlyList<ParameterInfo> All { get; }

    /// <summary>Looks a parameter up by name.</summary>
    bool TryGet(string name, out ParameterInfo info);

    /// <summary>The writable buffer of parameter <paramref name="name"/>. Writes change the model.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    Span<float> GetSpan(string name);
}
