using System.Text.Json;
using System.Text.Unicode;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.HuggingFace;

/// <summary>Whether a model folder whose config files ask for custom code (<c>auto_map</c>, <c>trust_remote_code</c>)
/// may be read. Every config file that can carry those markers is checked: <c>config.json</c>,
/// <c>tokenizer_config.json</c>, <c>processor_config.json</c>, <c>preprocessor_config.json</c>,
/// <c>generation_config.json</c> and any other top-level <c>*config.json</c>. Reading such a folder never runs code:
/// this plugin has no way to execute code from a model folder.</summary>
public static class RemoteCodePolicy
{
    /// <summary>The environment variable that allows such configs to be read.</summary>
    public const string EnvironmentVariable = "INVARLOCK_ALLOW_REMOTE_CODE";

    /// <summary>The first custom-code marker in the folder's config files as <c>(file, marker)</c>, or null. Files
    /// are checked in ordinal name order; each is read with the config-file size limit.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MalformedConfig"/> for a config file that is not a
    /// regular file, too large, or not valid JSON.</exception>
    public static (string Path, string Marker)? FindInFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            return null;
        }
        var names = new List<string>();
        foreach (string path in Directory.EnumerateFileSystemEntries(folder, "*config.json", SearchOption.TopDirectoryOnly))
        {
            names.Add(Path.GetFileName(path));
        }
        names.Sort(StringComparer.Ordinal);
        foreach (string name in names)
        {
            string path = Path.Combine(folder, name);
            byte[] bytes = InputFile.ReadAllBytes(path, HfConfig.MaxConfigBytes, ErrorCodes.MalformedConfig, "config file");
            if (!Utf8.IsValid(bytes))
            {
                throw new InvarLockException(ErrorCodes.MalformedConfig, $"{path}: not valid UTF-8");
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
            }
            catch (JsonException e)
            {
                int newline = e.Message.IndexOfAny(['\r', '\n']);
                throw new InvarLockException(ErrorCodes.MalformedConfig,
                    $"{path}: not valid JSON ({(newline < 0 ? e.Message : e.Message[..newline])})");
            }
            using (document)
            {
                if (FindMarker(document.RootElement) is { } marker)
                {
                    return (path, marker);
                }
            }
        }
        return null;
    }

    /// <summary>Refuses the folder when any of its config files asks for custom code, unless
    /// <paramref name="allowRemoteCodeConfig"/>.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.SecurityRefused"/> naming the file and the marker.</exception>
    public static void EnsureFolderAllowed(string folder, bool allowRemoteCodeConfig)
    {
        if (!allowRemoteCodeConfig && FindInFolder(folder) is var (path, marker))
        {
            throw new InvarLockException(ErrorCodes.SecurityRefused, RefusalMessage(path, marker));
        }
    }

    /// <summary>The custom-code marker of one config object (<c>"auto_map"</c> or <c>"trust_remote_code: true"</c>), or null.</summary>
    internal static string? FindMarker(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        if (root.TryGetProperty("auto_map", out JsonElement autoMap) && autoMap.ValueKind != JsonValueKind.Null)
        {
            return "auto_map";
        }
        if (root.TryGetProperty("trust_remote_code", out JsonElement trust) && IsTrue(trust))
        {
            return "trust_remote_code: true";
        }
        return null;
    }

    internal static bool IsTruthy(string? value) =>
        value?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    internal static string RefusalMessage(string configPath, string reason) =>
        $"{configPath}: {reason} asks for custom code; refused (set {EnvironmentVariable}=1 to read it anyway; " +
        "no code from the folder is ever executed)";

    private static bool IsTrue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.String => IsTruthy(value.GetString()),
        JsonValueKind.Number => value.TryGetInt64(out long n) && n != 0,
        _ => false,
    };
}
