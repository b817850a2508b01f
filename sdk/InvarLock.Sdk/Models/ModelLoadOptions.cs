namespace InvarLock.Sdk.Models;

/// <summary>Options for <see cref="IModelAdapter.Load"/>.</summary>
public sealed class ModelLoadOptions
{
    /// <summary>Worker threads the model may use for its kernels; 0 means all processors. Results never depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>When true, a config asking for custom code (<c>auto_map</c>, <c>trust_remote_code</c>) is accepted
    /// (no code from the folder is ever executed). Defaults to false: such folders are refused.</summary>
    public bool AllowRemoteCodeConfig { get; init; }
}
