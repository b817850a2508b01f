namespace InvarLock.Sdk.Models;

/// <summary>The answer of <see cref="IModelAdapter.Describe"/>: can the adapter load the folder, and what it saw.</summary>
/// <param name="CanLoad">True when the adapter recognises the folder.</param>
/// <param name="Architecture">The architecture seen (for example <c>gpt2</c>), when recognised.</param>
/// <param name="Reason">Why the adapter cannot load the folder, when it cannot.</param>
public sealed record ModelProbe(bool CanLoad, string? Architecture, string? Reason)
{
    /// <summary>A positive answer for <paramref name="architecture"/>.</summary>
    public static ModelProbe Supported(string architecture) => new(true, architecture, null);

    /// <summary>A negative answer with a reason.</summary>
    public static ModelProbe Unsupported(string reason) => new(false, null, reason);
}
