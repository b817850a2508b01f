namespace InvarLock.Core.Reporting.Model;

/// <summary>A plugin component that took part in the run.</summary>
public sealed record PluginSection(string Kind, string Name, string Version, string Source, string? SignerFingerprint);
