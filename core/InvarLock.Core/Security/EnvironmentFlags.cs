using System.Collections;

namespace InvarLock.Core.Security;

/// <summary>Reads the environment flags the tool honours, with one definition of "true": the trimmed,
/// lower-cased value is one of <c>1</c>, <c>true</c>, <c>yes</c>, <c>on</c>.</summary>
public static class EnvironmentFlags
{
    /// <summary>Opt-in to third-party plugins (they must still be signed and trusted).</summary>
    public const string AllowThirdPartyPlugins = "INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS";

    /// <summary>Opt-in to network access (through <see cref="NetworkGate"/> only).</summary>
    public const string AllowNetwork = "INVARLOCK_ALLOW_NETWORK";

    /// <summary>Opt-in to reading model folders whose config asks for custom code (the code is still never run).</summary>
    public const string AllowRemoteCode = "INVARLOCK_ALLOW_REMOTE_CODE";

    /// <summary>Folder of installed third-party plugins.</summary>
    public const string PluginsDirectory = "INVARLOCK_PLUGINS_DIR";

    /// <summary>The tool's home folder (trust list, default plugins folder). Defaults to <c>~/.invarlock</c>.</summary>
    public const string Home = "INVARLOCK_HOME";

    /// <summary>The password of a PKCS #12 (.pfx) or encrypted PEM key given to <c>evaluate --sign-with</c>.</summary>
    public const string SigningPassword = "INVARLOCK_SIGNING_PASSWORD";

    /// <summary>Opt-in: the <c>release</c> profile requires a report signature (evaluate needs <c>--sign-with</c>,
    /// verify needs a signature from a trusted signer).</summary>
    public const string ReleaseRequiresSignature = "INVARLOCK_RELEASE_REQUIRES_SIGNATURE";

    /// <summary>True when <paramref name="value"/> is one of <c>1, true, yes, on</c> (trimmed, case-insensitive).</summary>
    public static bool IsTrue(string? value)
    {
        if (value is null)
        {
            return false;
        }
        string v = value.Trim();
        return v == "1"
            || v.Equals("true", StringComparison.OrdinalIgnoreCase)
            || v.Equals("yes", StringComparison.OrdinalIgnoreCase)
            || v.Equals("on", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when flag <paramref name="name"/> is set to a true value in <paramref name="environment"/>.</summary>
    public static bool IsSet(IReadOnlyDictionary<string, string?> environment, string name)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.TryGetValue(name, out string? value) && IsTrue(value);
    }

    /// <summary>A snapshot of the process environment (ordinal keys).</summary>
    public static IReadOnlyDictionary<string, string?> Capture()
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k)
            {
                map[k] = e.Value as string;
            }
        }
        return map;
    }

    /// <summary>The value of <paramref name="name"/>, or null when unset or blank.</summary>
    public static string? Value(IReadOnlyDictionary<string, string?> environment, string name)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return environment.TryGetValue(name, out string? v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
    }
}
