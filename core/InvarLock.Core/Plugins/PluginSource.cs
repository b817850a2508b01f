namespace InvarLock.Core.Plugins;

/// <summary>Where a registered component came from.</summary>
/// <param name="Package">"first-party" for components of this repository, or the package id of a third-party plugin.</param>
/// <param name="SignerFingerprint">SHA-256 fingerprint (upper-case hex) of the package signer, for third-party plugins.</param>
/// <param name="PackageVersion">The installed package version, for third-party plugins.</param>
public sealed record PluginSource(string Package, string? SignerFingerprint, string? PackageVersion = null)
{
    public static PluginSource FirstParty { get; } = new("first-party", null);

    public bool IsFirstParty => Package == FirstParty.Package;

    /// <summary>"first-party" or "third-party", as written in reports.</summary>
    public string Origin => IsFirstParty ? "first-party" : "third-party";
}
