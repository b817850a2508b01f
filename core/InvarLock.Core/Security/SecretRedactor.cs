using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InvarLock.Core.Security;

/// <summary>Keeps secrets out of reports and logs: values whose key looks like a secret (contains TOKEN, KEY, SECRET,
/// PASSWORD, PASSWD, PASSPHRASE, CREDENTIAL, AUTH, COOKIE or PRIVATE, for example <c>HF_TOKEN</c>) and values that look
/// like well-known token formats are replaced by <see cref="Placeholder"/>.</summary>
public static partial class SecretRedactor
{
    /// <summary>What a redacted value is replaced with.</summary>
    public const string Placeholder = "<redacted>";

    private static readonly string[] SecretKeyParts =
        ["TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "AUTH", "COOKIE", "PRIVATE"];

    /// <summary>True when a value stored under <paramref name="key"/> must not be written out.</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        foreach (string part in SecretKeyParts)
        {
            if (key.Contains(part, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when <paramref name="value"/> looks like a credential whatever its key (Hugging Face, GitHub,
    /// OpenAI-style, AWS, Slack tokens, PEM private keys, bearer headers, URLs with a password).</summary>
    public static bool LooksLikeSecretValue(string? value) => value is not null && SecretValuePattern().IsMatch(value);

    /// <summary>The value to write for <paramref name="key"/>: the value itself, or <see cref="Placeholder"/>.</summary>
    public static string? Redact(string key, string? value) =>
        value is null ? null : IsSecretKey(key) || LooksLikeSecretValue(value) ? Placeholder : value;

    /// <summary>A copy of <paramref name="values"/> (for example environment flags in effect) with secrets redacted.</summary>
    public static IReadOnlyDictionary<string, string?> RedactAll(IReadOnlyDictionary<string, string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var copy = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string?> kv in values)
        {
            copy[kv.Key] = Redact(kv.Key, kv.Value);
        }
        return copy;
    }

    /// <summary>Redacts, in place, every string or number under a secret-looking key, and every string value that
    /// looks like a credential, anywhere in <paramref name="node"/>. Returns the number of values redacted.</summary>
    public static int RedactInPlace(JsonNode? node)
    {
        int count = 0;
        switch (node)
        {
            case JsonObject obj:
                foreach (string key in SnapshotKeys(obj))
                {
                    JsonNode? child = obj[key];
                    if (child is JsonValue && IsSecretKey(key))
                    {
                        obj[key] = Placeholder;
                        count++;
                    }
                    else if (child is JsonValue v && v.TryGetValue(out string? s) && LooksLikeSecretValue(s))
                    {
                        obj[key] = Placeholder;
                        count++;
                    }
                    else
                    {
                        count += RedactInPlace(child);
                    }
                }
                break;
            case JsonArray arr:
                for (int i = 0; i < arr.Count; i++)
                {
                    if (arr[i] is JsonValue v && v.TryGetValue(out string? s) && LooksLikeSecretValue(s))
                    {
                        arr[i] = Placeholder;
                        count++;
                    }
                    else
                    {
                        count += RedactInPlace(arr[i]);
                    }
                }
                break;
        }
        return count;
    }

    private static List<string> SnapshotKeys(JsonObject obj)
    {
        var keys = new List<string>(obj.Count);
        foreach (KeyValuePair<string, JsonNode?> kv in obj)
        {
            keys.Add(kv.Key);
        }
        return keys;
    }

    [GeneratedRegex(
        @"\bhf_[A-Za-z0-9]{20,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}|\bsk-[A-Za-z0-9_-]{20,}|\bAKIA[0-9A-Z]{16}\b|\bxox[abprs]-[A-Za-z0-9-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|\bBearer\s+[A-Za-z0-9._~+/=-]{16,}|://[^/\s:@]+:[^/\s@]+@",
        RegexOptions.CultureInvariant)]
    private static partial Regex SecretValuePattern();
}
