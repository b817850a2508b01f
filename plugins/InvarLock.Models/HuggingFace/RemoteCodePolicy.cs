namespace InvarLock.Models.HuggingFace;

/// <summary>Whether a config.json that asks for custom code (<c>auto_map</c>, <c>trust_remote_code</c>) may be read.
/// Reading it never runs code: this plugin has no way to execute code from a model folder.</summary>
public static class RemoteCodePolicy
{
    /// <summary>The environment variable that allows such configs to be read.</summary>
    public const string EnvironmentVariable = "INVARLOCK_ALLOW_REMOTE_CODE";

    /// <summary>True when <see cref="EnvironmentVariable"/> is set to 1, true, yes or on (case-insensitive).</summary>
    public static bool IsAllowedByEnvironment() => IsTruthy(Environment.GetEnvironmentVariable(EnvironmentVariable));

    internal static bool IsTruthy(string? value) =>
        value?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    internal static string RefusalMessage(string configPath, string reason) =>
        $"{configPath}: {reason} asks for custom code; refused (set {EnvironmentVariable}=1 to read it anyway; " +
        "no code from the folder is ever executed)";
}
