using System.Text.Json;
using System.Text.RegularExpressions;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Plugins;

/// <summary>Reads and checks <c>invarlock-plugin.json</c> strictly (no code runs to learn what a plugin provides).</summary>
public static partial class PluginManifestReader
{
    /// <summary>Largest accepted manifest, in bytes.</summary>
    public const int MaxManifestBytes = 64 * 1024;

    /// <summary>Parses a manifest; throws <see cref="ErrorCodes.PluginRefused"/> naming <paramref name="displayName"/>.</summary>
    public static PluginManifest Parse(ReadOnlySpan<byte> json, string displayName)
    {
        if (json.Length > MaxManifestBytes)
        {
            throw Refuse(displayName, $"larger than {MaxManifestBytes} bytes");
        }
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            // JsonDocument accepts invalid UTF-8 inside strings and only fails when a string is read.
            throw Refuse(displayName, "not valid UTF-8");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Refuse(displayName, $"not valid JSON ({e.Message})");
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Refuse(displayName, "must be a JSON object");
            }
            string id = RequiredString(root, "id", displayName);
            string version = RequiredString(root, "version", displayName);
            string sdkVersion = RequiredString(root, "sdkVersion", displayName);
            string assembly = RequiredString(root, "assembly", displayName);
            if (!IdPattern().IsMatch(id))
            {
                throw Refuse(displayName, $"id '{id}' is invalid: letters, digits, '.', '_' and '-', starting with a letter or digit");
            }
            if (!VersionPattern().IsMatch(version))
            {
                throw Refuse(displayName, $"version '{version}' is not a semantic version");
            }
            if (!SdkVersionPattern().IsMatch(sdkVersion))
            {
                throw Refuse(displayName, $"sdkVersion '{sdkVersion}' must be MAJOR.MINOR");
            }
            if (!AssemblyPattern().IsMatch(assembly))
            {
                throw Refuse(displayName, $"assembly '{assembly}' must be a plain .dll file name");
            }
            if (!root.TryGetProperty("provides", out JsonElement provides) || provides.ValueKind != JsonValueKind.Array
                || provides.GetArrayLength() == 0)
            {
                throw Refuse(displayName, "'provides' must be a non-empty array of {kind, name}");
            }
            var list = new List<PluginProvision>();
            var seen = new HashSet<(PluginKind, string)>();
            foreach (JsonElement p in provides.EnumerateArray())
            {
                if (p.ValueKind != JsonValueKind.Object)
                {
                    throw Refuse(displayName, "'provides' items must be objects");
                }
                string kindText = RequiredString(p, "kind", displayName);
                string name = RequiredString(p, "name", displayName);
                PluginKind kind = ParseKind(kindText) ?? throw Refuse(displayName,
                    $"unknown kind '{kindText}' (use adapter, guard, edit, dataset or metric)");
                if (!ComponentNamePattern().IsMatch(name))
                {
                    throw Refuse(displayName, $"component name '{name}' is invalid: lower-case letters, digits and underscores");
                }
                if (!seen.Add((kind, name)))
                {
                    throw Refuse(displayName, $"{kindText} '{name}' is listed twice");
                }
                list.Add(new PluginProvision(kind, name));
            }
            return new PluginManifest(id, version, sdkVersion, assembly, list);
        }
    }

    /// <summary>Null when a plugin built against <paramref name="sdkVersion"/> can load in this host (same major,
    /// minor not above the host's <see cref="SdkInfo.Version"/>); otherwise the reason it cannot.</summary>
    public static string? CheckCompatibility(string sdkVersion) => CheckCompatibility(sdkVersion, SdkInfo.Version);

    internal static string? CheckCompatibility(string sdkVersion, Version host)
    {
        if (!Version.TryParse(sdkVersion, out Version? wanted) || wanted.Build != -1)
        {
            return $"SDK version '{sdkVersion}' is not MAJOR.MINOR";
        }
        if (wanted.Major != host.Major)
        {
            return $"built for SDK {wanted.Major}.{wanted.Minor}, host SDK is {host.Major}.{host.Minor} (major versions differ)";
        }
        if (wanted.Minor > host.Minor)
        {
            return $"built for SDK {wanted.Major}.{wanted.Minor}, newer than the host SDK {host.Major}.{host.Minor}";
        }
        return null;
    }

    /// <summary>The manifest spelling of a kind.</summary>
    public static string KindText(PluginKind kind) => kind switch
    {
        PluginKind.Adapter => "adapter",
        PluginKind.Guard => "guard",
        PluginKind.Edit => "edit",
        PluginKind.Dataset => "dataset",
        PluginKind.Metric => "metric",
        _ => kind.ToString().ToLowerInvariant(),
    };

    internal static PluginKind? ParseKind(string text) => text.ToLowerInvariant() switch
    {
        "adapter" => PluginKind.Adapter,
        "guard" => PluginKind.Guard,
        "edit" => PluginKind.Edit,
        "dataset" => PluginKind.Dataset,
        "metric" => PluginKind.Metric,
        _ => null,
    };

    private static string RequiredString(JsonElement obj, string name, string displayName)
    {
        if (!obj.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw Refuse(displayName, $"'{name}' must be a non-empty string");
        }
        return value.GetString()!;
    }

    private static InvarLockException Refuse(string displayName, string problem) =>
        new(ErrorCodes.PluginRefused, $"{displayName}: {problem}");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    internal static partial Regex IdPattern();

    [GeneratedRegex(@"^[0-9]+\.[0-9]+\.[0-9]+(\.[0-9]+)?(-[0-9A-Za-z.-]{1,64})?$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[0-9]{1,4}\.[0-9]{1,4}$")]
    private static partial Regex SdkVersionPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.dll$")]
    private static partial Regex AssemblyPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex ComponentNamePattern();
}
