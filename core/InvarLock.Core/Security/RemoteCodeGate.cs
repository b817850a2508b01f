using System.Text.Json;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Security;

/// <summary>Refuses model folders whose configuration asks for custom code (<c>auto_map</c>,
/// <c>trust_remote_code</c>) unless <c>INVARLOCK_ALLOW_REMOTE_CODE</c> is true. Even when allowed, the tool never
/// executes code from a model folder: it reads safetensors, JSON, YAML and text only.</summary>
public static class RemoteCodeGate
{
    /// <summary>Config files that may ask for custom code.</summary>
    public static IReadOnlyList<string> CheckedFiles { get; } = ["config.json", "tokenizer_config.json", "processor_config.json"];

    /// <summary>Largest config file read (bytes).</summary>
    public const long MaxConfigBytes = 16L * 1024 * 1024;

    /// <summary>Checks the config files of <paramref name="modelDirectory"/>.</summary>
    /// <returns>The findings (file: key) that asked for custom code; empty when none did. When findings exist and the
    /// flag is set, the caller should record them in the report.</returns>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.SecurityRefused"/> when custom code is requested and
    /// the flag is not set; <see cref="ErrorCodes.MalformedConfig"/> for an unreadable config.</exception>
    public static IReadOnlyList<string> CheckModelDirectory(string modelDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        var findings = new List<string>();
        foreach (string name in CheckedFiles)
        {
            string path = Path.Combine(modelDirectory, name);
            if (!File.Exists(path))
            {
                continue;
            }
            foreach (string key in FindCustomCodeKeys(path))
            {
                findings.Add($"{path}: {key}");
            }
        }
        if (findings.Count > 0 && !EnvironmentFlags.IsSet(environment, EnvironmentFlags.AllowRemoteCode))
        {
            throw new InvarLockException(ErrorCodes.SecurityRefused,
                $"{findings[0]}: the model asks for custom code, which is refused; set {EnvironmentFlags.AllowRemoteCode}=1 to read its weights anyway (no code from the folder is ever run)");
        }
        return findings;
    }

    /// <summary>The keys in one config file that ask for custom code.</summary>
    internal static IReadOnlyList<string> FindCustomCodeKeys(string configPath)
    {
        var info = new FileInfo(configPath);
        if (info.Length > MaxConfigBytes)
        {
            throw new InvarLockException(ErrorCodes.MalformedConfig, $"{configPath}: larger than {MaxConfigBytes} bytes");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(configPath), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new InvarLockException(ErrorCodes.MalformedConfig, $"{configPath}: not valid JSON ({e.Message})");
        }
        using (doc)
        {
            var keys = new List<string>();
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return keys;
            }
            foreach (JsonProperty p in doc.RootElement.EnumerateObject())
            {
                if (p.NameEquals("auto_map") && p.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined))
                {
                    keys.Add("auto_map");
                }
                else if (p.NameEquals("trust_remote_code") && p.Value.ValueKind == JsonValueKind.True)
                {
                    keys.Add("trust_remote_code");
                }
            }
            return keys;
        }
    }
}
