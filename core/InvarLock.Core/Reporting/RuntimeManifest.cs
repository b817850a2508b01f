namespace InvarLock.Core.Reporting;

/// <summary><c>runtime.manifest.json</c>, written beside the report: binds the report bytes to the configuration and the
/// security posture the run used. Operators archive the two together.</summary>
/// <param name="ManifestVersion">Always 1.</param>
/// <param name="GeneratedAtUtc">When the manifest was written (ISO 8601, UTC).</param>
/// <param name="Report">The report file and its SHA-256.</param>
/// <param name="Config">The config/preset file and its SHA-256 (both null when none was used).</param>
/// <param name="ExecutionMode"><c>host</c> (the only mode for now).</param>
/// <param name="Tool">Tool name and version.</param>
/// <param name="Runtime">.NET runtime and OS.</param>
/// <param name="Security">The security flags in force.</param>
public sealed record RuntimeManifest(int ManifestVersion, string GeneratedAtUtc, ManifestFile Report, ManifestConfig Config, string ExecutionMode,
    ManifestTool Tool, ManifestRuntime Runtime, ManifestSecurity Security)
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "runtime.manifest.json";
}

/// <summary>A file named in the manifest.</summary>
public sealed record ManifestFile(string Filename, string Sha256);

/// <summary>The configuration file of the run (<c>source</c>: file or none).</summary>
public sealed record ManifestConfig(string? Path, string? Sha256, string Source);

/// <summary>Tool identity.</summary>
public sealed record ManifestTool(string Name, string Version);

/// <summary>Runtime identity.</summary>
/// <param name="Dotnet">The .NET runtime description.</param>
/// <param name="Os">The operating system description.</param>
/// <param name="ProcessArchitecture">The process architecture (for example <c>x64</c>).</param>
/// <param name="ComputeBackend">The report's runtime <c>compute_backend</c>: GEMM backend, kernel (naming the instruction
/// set, for example <c>avx2-fma</c>), CPU extensions and threads; null in manifests written before it was recorded.</param>
public sealed record ManifestRuntime(string Dotnet, string Os, string ProcessArchitecture, string? ComputeBackend = null);

/// <summary>Security flags in force during the run.</summary>
public sealed record ManifestSecurity(bool AllowNetwork, bool AllowRemoteCode, bool AllowThirdPartyPlugins);
