using System.Globalization;
using System.Text.Json;
using InvarLock.Sdk.Errors;

namespace InvarLock.Guards.Common;

/// <summary>Typed, range-checked reads from one guard's resolved policy section (a JSON object).</summary>
/// <remarks>A missing key or a JSON <c>null</c> gives the fallback; a present key with a bad value throws
/// <see cref="InvarLockException"/> with <see cref="ErrorCodes.InvalidPolicy"/> and the message
/// <c>guards.&lt;guard&gt;.&lt;key&gt;: &lt;value&gt; is outside &lt;range&gt;</c>. Numeric strings are accepted as numbers.</remarks>
internal readonly struct PolicySection
{
    private readonly JsonElement _element;
    private readonly bool _isObject;
    /// <summary>Key paths read so far, shared by a section and its children (see <see cref="RejectUnknownKeys"/>).</summary>
    private readonly HashSet<string> _read;

    public PolicySection(string path, JsonElement element)
        : this(path, element, new HashSet<string>(StringComparer.Ordinal))
    {
    }

    private PolicySection(string path, JsonElement element, HashSet<string> read)
    {
        Path = path;
        _read = read;
        _element = element;
        _isObject = element.ValueKind == JsonValueKind.Object;
        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            throw Invalid(path, element, "a JSON object");
        }
    }

    /// <summary>The key path of this section, for example <c>guards.spectral</c>.</summary>
    public string Path { get; }

    public static InvarLockException Invalid(string keyPath, JsonElement value, string range) =>
        new(ErrorCodes.InvalidPolicy, $"{keyPath}: {Render(value)} is outside {range}");

    public static InvarLockException Invalid(string keyPath, string value, string range) =>
        new(ErrorCodes.InvalidPolicy, $"{keyPath}: {value} is outside {range}");

    private static string Render(JsonElement value) =>
        value.ValueKind == JsonValueKind.Undefined ? "(missing)" : value.GetRawText();

    public bool TryGet(string key, out JsonElement value)
    {
        _read.Add($"{Path}.{key}");
        if (_isObject && _element.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }
        value = default;
        return false;
    }

    public bool Has(string key)
    {
        _read.Add($"{Path}.{key}");
        return _isObject && _element.TryGetProperty(key, out _);
    }

    /// <summary>Call after parsing: a key of this section (or of a child section that was read key by key) that nothing
    /// read is a misspelling or a key this guard does not have, and fails with <see cref="ErrorCodes.InvalidPolicy"/>
    /// listing the valid keys at that level.</summary>
    public void RejectUnknownKeys() => RejectUnknown(Path, _element);

    private void RejectUnknown(string path, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (JsonProperty p in element.EnumerateObject())
        {
            string key = $"{path}.{p.Name}";
            if (!_read.Contains(key))
            {
                var valid = new SortedSet<string>(StringComparer.Ordinal);
                foreach (string r in _read)
                {
                    if (r.StartsWith(path + ".", StringComparison.Ordinal) && r.IndexOf('.', path.Length + 1) < 0)
                    {
                        valid.Add(r[(path.Length + 1)..]);
                    }
                }
                throw new InvarLockException(ErrorCodes.InvalidPolicy,
                    $"{key}: unknown key; valid keys under {path}: {string.Join(", ", valid)}");
            }
            bool readInside = false;
            foreach (string r in _read)
            {
                if (r.StartsWith(key + ".", StringComparison.Ordinal))
                {
                    readInside = true;
                    break;
                }
            }
            if (readInside)
            {
                RejectUnknown(key, p.Value);
            }
        }
    }

    /// <summary>Rejects a key that must not appear (a misspelling or a retired name).</summary>
    public void Forbid(string key, string hint)
    {
        if (Has(key))
        {
            throw new InvarLockException(ErrorCodes.InvalidPolicy, $"{Path}.{key}: key is not allowed ({hint})");
        }
    }

    public PolicySection Child(string key)
    {
        if (TryGet(key, out JsonElement value))
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"{Path}.{key}", value, "a JSON object");
            }
            return new PolicySection($"{Path}.{key}", value, _read);
        }
        return new PolicySection($"{Path}.{key}", default, _read);
    }

    public IEnumerable<(string Key, JsonElement Value)> Properties()
    {
        if (!_isObject)
        {
            yield break;
        }
        foreach (JsonProperty p in _element.EnumerateObject())
        {
            _read.Add($"{Path}.{p.Name}");
            yield return (p.Name, p.Value);
        }
    }

    public static bool TryReadNumber(JsonElement value, out double number)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                number = value.GetDouble();
                return true;
            case JsonValueKind.String:
                return double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            default:
                number = double.NaN;
                return false;
        }
    }

    /// <summary>Reads a finite number in [min, max] (bounds optionally exclusive).</summary>
    public double Number(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity,
        bool minExclusive = false, bool maxExclusive = false)
    {
        if (!TryGet(key, out JsonElement value))
        {
            return fallback;
        }
        string range = $"{(minExclusive ? "(" : "[")}{Fmt(min)}, {Fmt(max)}{(maxExclusive ? ")" : "]")}";
        if (!TryReadNumber(value, out double x) || !double.IsFinite(x)
            || (minExclusive ? x <= min : x < min) || (maxExclusive ? x >= max : x > max))
        {
            throw Invalid($"{Path}.{key}", value, range);
        }
        return x;
    }

    /// <summary>Reads an optional number (null when missing or JSON null).</summary>
    public double? OptionalNumber(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false)
    {
        if (!TryGet(key, out _))
        {
            return null;
        }
        return Number(key, 0.0, min, max, minExclusive);
    }

    public int Integer(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!TryGet(key, out JsonElement value))
        {
            return fallback;
        }
        if (!TryReadNumber(value, out double x) || !double.IsFinite(x) || x != Math.Floor(x) || x < min || x > max)
        {
            throw Invalid($"{Path}.{key}", value, $"integers in [{min}, {max}]");
        }
        return (int)x;
    }

    public bool Boolean(string key, bool fallback)
    {
        if (!TryGet(key, out JsonElement value))
        {
            return fallback;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Invalid($"{Path}.{key}", value, "{true, false}"),
        };
    }

    /// <summary>Reads a string that must be one of <paramref name="allowed"/> (compared case-insensitively, returned lower-case).</summary>
    public string Choice(string key, string fallback, params string[] allowed)
    {
        if (!TryGet(key, out JsonElement value))
        {
            return fallback;
        }
        string? s = value.ValueKind == JsonValueKind.String ? value.GetString()?.Trim().ToLowerInvariant() : null;
        if (s is null || Array.IndexOf(allowed, s) < 0)
        {
            throw Invalid($"{Path}.{key}", value, "{" + string.Join(", ", allowed) + "}");
        }
        return s;
    }

    /// <summary>Reads a string or a list of non-empty strings.</summary>
    public IReadOnlyList<string>? StringList(string key)
    {
        if (!TryGet(key, out JsonElement value))
        {
            return null;
        }
        var list = new List<string>();
        if (value.ValueKind == JsonValueKind.String)
        {
            list.Add(value.GetString()!);
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                {
                    throw Invalid($"{Path}.{key}", value, "a string or a list of non-empty strings");
                }
                list.Add(item.GetString()!);
            }
        }
        else
        {
            throw Invalid($"{Path}.{key}", value, "a string or a list of non-empty strings");
        }
        if (list.Count == 0 || list.Exists(string.IsNullOrWhiteSpace))
        {
            throw Invalid($"{Path}.{key}", value, "a string or a list of non-empty strings");
        }
        return list;
    }

    private static string Fmt(double x) => double.IsNegativeInfinity(x) ? "-inf" : double.IsPositiveInfinity(x) ? "inf"
        : x.ToString("R", CultureInfo.InvariantCulture);
}
