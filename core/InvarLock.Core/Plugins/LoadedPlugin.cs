namespace InvarLock.Core.Plugins;

/// <summary>A third-party plugin loaded into its own load context and registered.</summary>
/// <param name="Id">Package id.</param>
/// <param name="Version">Package version.</param>
/// <param name="SignerFingerprint">SHA-256 fingerprint of the signer.</param>
/// <param name="SignerSubject">Subject of the signing certificate.</param>
/// <param name="Entries">The registry entries it added.</param>
public sealed record LoadedPlugin(string Id, string Version, string SignerFingerprint, string SignerSubject, IReadOnlyList<PluginEntry> Entries);
