namespace InvarLock.Core.Plugins.Packaging;

/// <summary>Bounds on what a plugin package may hold; a package over any bound is refused before anything is written.</summary>
public sealed record PackageLimits
{
    /// <summary>The defaults: 256 MiB package, 1,000 entries, 128 MiB per file, 512 MiB in all, ratio 200.</summary>
    public static PackageLimits Default { get; } = new();

    /// <summary>Largest package file, in bytes.</summary>
    public long MaxPackageBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Most entries (files and folders) in the package.</summary>
    public int MaxEntries { get; init; } = 1000;

    /// <summary>Largest uncompressed entry, in bytes.</summary>
    public long MaxEntryBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>Largest total uncompressed size, in bytes.</summary>
    public long MaxTotalBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Largest uncompressed/compressed ratio for entries over 1 MiB (zip-bomb guard).</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Longest entry name, in characters.</summary>
    public int MaxNameLength { get; init; } = 240;
}
