namespace InvarLock.Sdk.Models;

/// <summary>An opaque copy of a model's parameters, produced by <see cref="IModel.Snapshot"/>.</summary>
public interface IModelSnapshot : IDisposable
{
    /// <summary>Total number of float32 values held.</summary>
    long ElementCount { get; }
}
