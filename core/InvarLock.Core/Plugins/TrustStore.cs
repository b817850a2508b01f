using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Core.Plugins;

/// <summary>The operator's list of trusted plugin signers (certificate SHA-256 fingerprints), kept in a JSON file
/// (<c>trust.json</c> under <c>INVARLOCK_HOME</c>, default <c>~/.invarlock</c>). Written atomically, owner-only.</summary>
public sealed class TrustStore
{
    /// <summary>The file's format marker.</summary>
    public const string Format = "invarlock-trust-v1";

    private readonly TimeProvider _time;

    public TrustStore(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The trust-list file.</summary>
    public string Path { get; }

    /// <summary>The trusted signers, sorted by fingerprint. An absent file is an empty list.</summary>
    public IReadOnlyList<TrustedSigner> List()
    {
        if (!File.Exists(Path))
        {
            return [];
        }
        var list = new List<TrustedSigner>();
        try
        {
            JsonNode? root = JsonNode.Parse(File.ReadAllText(Path));
            if (root is not JsonObject obj || (string?)obj["format"] != Format || obj["signers"] is not JsonArray signers)
            {
                throw Malformed("expected {\"format\": \"" + Format + "\", \"signers\": [...]}");
            }
            foreach (JsonNode? s in signers)
            {
                string fp = NormalizeFingerprint((string?)s?["fingerprint"] ?? "");
                string? name = (string?)s?["name"];
                DateTimeOffset added = s?["addedAt"] is JsonValue v && v.TryGetValue(out DateTimeOffset d) ? d : DateTimeOffset.UnixEpoch;
                list.Add(new TrustedSigner(fp, name, added));
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw Malformed(e.Message);
        }
        catch (InvarLockException e) when (e.Code == ErrorCodes.Usage)
        {
            throw Malformed(e.Message);
        }
        list.Sort((a, b) => string.CompareOrdinal(a.Fingerprint, b.Fingerprint));
        return list;
    }

    /// <summary>True when <paramref name="fingerprint"/> is on the list.</summary>
    public bool IsTrusted(string fingerprint)
    {
        string fp = NormalizeFingerprint(fingerprint);
        foreach (TrustedSigner s in List())
        {
            if (s.Fingerprint == fp)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Adds a signer (or renames one already listed) and returns it.</summary>
    public TrustedSigner Add(string fingerprint, string? name = null)
    {
        string fp = NormalizeFingerprint(fingerprint);
        var list = new List<TrustedSigner>(List());
        int i = list.FindIndex(s => s.Fingerprint == fp);
        var signer = new TrustedSigner(fp, string.IsNullOrWhiteSpace(name) ? (i >= 0 ? list[i].Name : null) : name.Trim(),
            i >= 0 ? list[i].AddedAt : _time.GetUtcNow());
        if (i >= 0)
        {
            list[i] = signer;
        }
        else
        {
            list.Add(signer);
        }
        Save(list);
        return signer;
    }

    /// <summary>Removes the signer with this fingerprint or name; false when none matched.</summary>
    public bool Remove(string fingerprintOrName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprintOrName);
        string? fp = TryNormalizeFingerprint(fingerprintOrName);
        var list = new List<TrustedSigner>(List());
        int removed = list.RemoveAll(s => s.Fingerprint == fp || string.Equals(s.Name, fingerprintOrName.Trim(), StringComparison.Ordinal));
        if (removed > 0)
        {
            Save(list);
        }
        return removed > 0;
    }

    /// <summary>Null when the trust file is safe to rely on; otherwise why not (on Unix: writable by group or others).</summary>
    public string? CheckPermissions()
    {
        if (OperatingSystem.IsWindows() || !File.Exists(Path))
        {
            return null;
        }
        UnixFileMode mode = File.GetUnixFileMode(Path);
        return (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0
            ? $"{Path}: trust list is writable by other users; run chmod 600 on it"
            : null;
    }

    /// <summary>Normalises a fingerprint: 64 hex digits, separators (':' ' ' '-') ignored, upper-case.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.Usage"/> when it is not a SHA-256 fingerprint.</exception>
    public static string NormalizeFingerprint(string fingerprint) =>
        TryNormalizeFingerprint(fingerprint) ?? throw new InvarLockException(ErrorCodes.Usage,
            $"'{fingerprint}' is not a SHA-256 certificate fingerprint (64 hexadecimal digits)");

    private static string? TryNormalizeFingerprint(string fingerprint)
    {
        var chars = new List<char>(64);
        foreach (char c in fingerprint)
        {
            if (c is ':' or ' ' or '-')
            {
                continue;
            }
            if (!Uri.IsHexDigit(c))
            {
                return null;
            }
            chars.Add(char.ToUpperInvariant(c));
        }
        return chars.Count == 64 ? new string(chars.ToArray()) : null;
    }

    private void Save(List<TrustedSigner> list)
    {
        list.Sort((a, b) => string.CompareOrdinal(a.Fingerprint, b.Fingerprint));
        var signers = new JsonArray();
        foreach (TrustedSigner s in list)
        {
            var o = new JsonObject { ["fingerprint"] = s.Fingerprint };
            if (s.Name is not null)
            {
                o["name"] = s.Name;
            }
            o["addedAt"] = s.AddedAt.ToUniversalTime().ToString("O");
            signers.Add(o);
        }
        var root = new JsonObject { ["format"] = Format, ["signers"] = signers };
        AtomicFile.WriteAllText(Path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", privateToUser: true);
    }

    private InvarLockException Malformed(string problem) =>
        new(ErrorCodes.PluginRefused, $"{Path}: malformed trust list ({problem})");
}
