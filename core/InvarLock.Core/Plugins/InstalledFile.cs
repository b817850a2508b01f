namespace InvarLock.Core.Plugins;

/// <summary>One file of an installed plugin.</summary>
/// <param name="Path">Path relative to the plugin's files folder, '/'-separated.</param>
/// <param name="Sha256">SHA-256 of the file, lower-case hex.</param>
/// <param name="Size">Size in bytes.</param>
public sealed record InstalledFile(string Path, string Sha256, long Size);
