namespace InvarLock.Sdk.Models;

/// <summary>The answer of <see cref="IModelAdapter.Describe"/>: can the adapter load the folder, and what it saw.</summary>
/// <param name="CanLoad">True when the adapter recognises the folder.</param>
/// <param name="Architecture">The architecture seen (for example <c>gpt2</c>), when recognised.</param>
/// <param name="Reason">Why the adapter cannot load the folder, when it cannot.</param>
public sealed record ModelProbe(bool CanLoad, string? Architecture, string? Reason)
{
    /// <summary>The first config file in the folder that asks for custom code, as <c>"file: marker"</c> (for example
    /// <c>auto_map</c>), or null. The host refuses such a folder before loading it unless the user allowed
    /// remote-code configs (nothing from a folder is ever executed either way).</summary>
    public string? RemoteCodeMarker { get; init; }

    /// <summary>A positive answer for <paramref name="architecture"/>.</summary>
    public static ModelProbe Supported(string architecture) => new(true, architecture, null);

    /// <summary>A negative answer with a reason.</summary>
    public static ModelProbe Unsupported(string reason) => new(false, null, reason);
}
