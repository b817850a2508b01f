namespace InvarLock.Sdk.Models;

/// <summary>An opaque record of a model's parameters, produced by <see cref="IModel.Snapshot"/>, from which
/// <see cref="IModel.Restore"/> puts them back bit for bit.</summary>
/// <remarks>Implementations may copy on write: taking a snapshot then costs nothing, and each tensor is copied only
/// when it is first changed afterwards.</remarks>
public interface IModelSnapshot : IDisposable
{
    /// <summary>Number of parameter values the snapshot can restore.</summary>
    long ElementCount { get; }
}
