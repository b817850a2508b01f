using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Plugins;

/// <summary>What was installed for one plugin (<c>install-record.json</c> beside its files): its manifest, signer,
/// the signed package's content hash, and every file's SHA-256. Load-time checks compare the disk with it and it with
/// the kept signed package, so neither can change unnoticed.</summary>
public sealed record InstallRecord(
    PluginManifest Manifest,
    string SignerFingerprint,
    string SignerSubject,
    DateTimeOffset SigningTime,
    string ContentHash,
    DateTimeOffset InstalledAt,
    IReadOnlyList<InstalledFile> Files)
{
    /// <summary>The record's file name.</summary>
    public const string FileName = "install-record.json";

    /// <summary>The format marker.</summary>
    public const string Format = "invarlock-plugin-install-v1";

    public string Id => Manifest.Id;

    public string Version => Manifest.Version;

    internal string ToJson()
    {
        var provides = new JsonArray();
        foreach (PluginProvision p in Manifest.Provides)
        {
            provides.Add(new JsonObject { ["kind"] = PluginManifestReader.KindText(p.Kind), ["name"] = p.Name });
        }
        var files = new JsonArray();
        foreach (InstalledFile f in Files)
        {
            files.Add(new JsonObject { ["path"] = f.Path, ["sha256"] = f.Sha256, ["size"] = f.Size });
        }
        var root = new JsonObject
        {
            ["format"] = Format,
            ["id"] = Manifest.Id,
            ["version"] = Manifest.Version,
            ["sdkVersion"] = Manifest.SdkVersion,
            ["assembly"] = Manifest.Assembly,
            ["provides"] = provides,
            ["signer"] = new JsonObject
            {
                ["fingerprint"] = SignerFingerprint,
                ["subject"] = SignerSubject,
                ["signingTime"] = SigningTime.ToUniversalTime().ToString("O"),
            },
            ["contentHash"] = ContentHash,
            ["installedAt"] = InstalledAt.ToUniversalTime().ToString("O"),
            ["files"] = files,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    internal static InstallRecord Parse(string json, string displayName)
    {
        try
        {
            JsonObject root = JsonNode.Parse(json) as JsonObject ?? throw new FormatException("not an object");
            if ((string?)root["format"] != Format)
            {
                throw new FormatException($"format is not {Format}");
            }
            var manifestJson = new JsonObject
            {
                ["id"] = (string?)root["id"],
                ["version"] = (string?)root["version"],
                ["sdkVersion"] = (string?)root["sdkVersion"],
                ["assembly"] = (string?)root["assembly"],
                ["provides"] = root["provides"]?.DeepClone(),
            };
            PluginManifest manifest = PluginManifestReader.Parse(System.Text.Encoding.UTF8.GetBytes(manifestJson.ToJsonString()), displayName);
            JsonObject signer = root["signer"] as JsonObject ?? throw new FormatException("signer missing");
            var files = new List<InstalledFile>();
            foreach (JsonNode? f in root["files"] as JsonArray ?? throw new FormatException("files missing"))
            {
                files.Add(new InstalledFile(
                    (string?)f?["path"] ?? throw new FormatException("file path missing"),
                    (string?)f?["sha256"] ?? throw new FormatException("file hash missing"),
                    (long?)f?["size"] ?? throw new FormatException("file size missing")));
            }
            return new InstallRecord(manifest,
                (string?)signer["fingerprint"] ?? throw new FormatException("signer fingerprint missing"),
                (string?)signer["subject"] ?? "",
                DateTimeOffset.Parse((string?)signer["signingTime"] ?? throw new FormatException("signing time missing"), System.Globalization.CultureInfo.InvariantCulture),
                (string?)root["contentHash"] ?? throw new FormatException("content hash missing"),
                DateTimeOffset.Parse((string?)root["installedAt"] ?? throw new FormatException("install time missing"), System.Globalization.CultureInfo.InvariantCulture),
                files);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvarLockException(ErrorCodes.PluginRefused, $"{displayName}: malformed install record ({e.Message})");
        }
    }
}
