namespace InvarLock.Core.Pipeline;

/// <summary>A plugin component that took part in a run.</summary>
internal sealed record PluginUse(string Kind, string Name, string Version, string Source, string? SignerFingerprint);
