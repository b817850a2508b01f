namespace InvarLock.Core.Reporting;

/// <summary>What <see cref="ReportWriter"/> needs beyond the report: the config file and the security flags in force.</summary>
/// <param name="ConfigPath">The preset/config file the run used, or null.</param>
/// <param name="AllowNetwork">INVARLOCK_ALLOW_NETWORK was on.</param>
/// <param name="AllowRemoteCode">INVARLOCK_ALLOW_REMOTE_CODE was on.</param>
/// <param name="AllowThirdPartyPlugins">INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS was on.</param>
/// <param name="GeneratedUtc">The manifest time (defaults to now).</param>
public sealed record ReportWriteOptions(string? ConfigPath = null, bool AllowNetwork = false, bool AllowRemoteCode = false,
    bool AllowThirdPartyPlugins = false, DateTimeOffset? GeneratedUtc = null);
