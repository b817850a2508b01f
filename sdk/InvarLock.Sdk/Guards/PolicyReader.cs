using System.Globalization;
using System.Text.Json;
using InvarLock.Sdk.Errors;

namespace InvarLock.Sdk.Guards;

/// <summary>Typed, range-checked reads from one guard's resolved policy section (a JSON object), with a check that
/// every key of the section was read.</summary>
/// <remarks>
/// <para>A missing key or a JSON <c>null</c> gives the fallback; a present key with a bad value throws
/// <see cref="InvarLockException"/> with <see cref="ErrorCodes.InvalidPolicy"/> (IL1002, exit code 2) and the message
/// <c>guards.&lt;guard&gt;.&lt;key&gt;: &lt;value&gt; is outside &lt;range&gt;</c>. Numeric strings are accepted as numbers.</para>
/// <para>Read every key the guard knows, then call <see cref="RejectUnknownKeys"/> so a misspelt key fails instead of
/// being ignored; <see cref="Read{T}"/> does both. A reader and the readers <see cref="Child"/> returns share one record
/// of the keys read. Not thread-safe.</para>
/// </remarks>
public sealed class PolicyReader
{
    private readonly JsonElement _element;
    private readonly bool _isObject;
    /// <summary>Key paths read so far, shared by a section and its children (see <see cref="RejectUnknownKeys"/>).</summary>
    private readonly HashSet<string> _read;

    /// <summary>Creates a reader for the section at <paramref name="path"/>.</summary>
    /// <param name="path">The key path of the section, used in messages (for example <c>guards.spectral</c>).</param>
    /// <param name="element">The section: a JSON object, or <c>undefined</c>/<c>null</c> for an empty section.</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: <paramref name="element"/> is
    /// neither an object nor empty.</exception>
    public PolicyReader(string path, JsonElement element)
        : this(path, element, new HashSet<string>(StringComparer.Ordinal))
    {
    }

    private PolicyReader(string path, JsonElement element, HashSet<string> read)
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

    /// <summary>Parses <paramref name="element"/> with <paramref name="parse"/> and then calls
    /// <see cref="RejectUnknownKeys"/>: the one-call form of reading a whole section.</summary>
    /// <typeparam name="T">The parsed policy (typically an options record).</typeparam>
    /// <param name="path">The key path of the section (for example <c>guards.weight_norm_drift</c>).</param>
    /// <param name="element">The section.</param>
    /// <param name="parse">Reads every key the guard knows from the reader it is given.</param>
    /// <returns>What <paramref name="parse"/> returned.</returns>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: a bad value or an unknown key.</exception>
    public static T Read<T>(string path, JsonElement element, Func<PolicyReader, T> parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var reader = new PolicyReader(path, element);
        T result = parse(reader);
        reader.RejectUnknownKeys();
        return result;
    }

    /// <summary>The IL1002 error for a bad value: <c>&lt;keyPath&gt;: &lt;value as JSON&gt; is outside &lt;range&gt;</c>.</summary>
    /// <param name="keyPath">The full key path, for example <c>guards.spectral.deadband</c>.</param>
    /// <param name="value">The offending value (<c>undefined</c> renders as <c>(missing)</c>).</param>
    /// <param name="range">What is allowed, for example <c>[0, 1]</c>.</param>
    public static InvarLockException Invalid(string keyPath, JsonElement value, string range) =>
        new(ErrorCodes.InvalidPolicy, $"{keyPath}: {Render(value)} is outside {range}");

    /// <summary>The IL1002 error for a bad value given as text: <c>&lt;keyPath&gt;: &lt;value&gt; is outside &lt;range&gt;</c>.</summary>
    /// <param name="keyPath">The full key path.</param>
    /// <param name="value">The offending value, as it should appear in the message.</param>
    /// <param name="range">What is allowed.</param>
    public static InvarLockException Invalid(string keyPath, string value, string range) =>
        new(ErrorCodes.InvalidPolicy, $"{keyPath}: {value} is outside {range}");

    private static string Render(JsonElement value) =>
        value.ValueKind == JsonValueKind.Undefined ? "(missing)" : value.GetRawText();

    /// <summary>Marks <paramref name="key"/> as read and gets its value when present and not JSON <c>null</c>.</summary>
    /// <param name="key">The key, relative to this section.</param>
    /// <param name="value">The value, or <c>default</c> when absent.</param>
    /// <returns>True when the key is present with a non-null value.</returns>
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

    /// <summary>Marks <paramref name="key"/> as read and tells whether it is present (even as JSON <c>null</c>).</summary>
    /// <param name="key">The key, relative to this section.</param>
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
    /// <param name="key">The key, relative to this section.</param>
    /// <param name="hint">Why, or what to use instead; shown in parentheses.</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: the key is present.</exception>
    public void Forbid(string key, string hint)
    {
        if (Has(key))
        {
            throw new InvarLockException(ErrorCodes.InvalidPolicy, $"{Path}.{key}: key is not allowed ({hint})");
        }
    }

    /// <summary>A reader for the nested object at <paramref name="key"/> (empty when absent), sharing this reader's
    /// record of keys read, so <see cref="RejectUnknownKeys"/> on the parent also checks the child's keys.</summary>
    /// <param name="key">The key, relative to this section.</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: the value is not an object.</exception>
    public PolicyReader Child(string key)
    {
        if (TryGet(key, out JsonElement value))
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"{Path}.{key}", value, "a JSON object");
            }
            return new PolicyReader($"{Path}.{key}", value, _read);
        }
        return new PolicyReader($"{Path}.{key}", default, _read);
    }

    /// <summary>Every key of this section with its value, in document order; each is marked as read (for maps whose
    /// keys are data, such as per-family settings).</summary>
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

    /// <summary>Reads a JSON number, or a string holding a number in invariant culture.</summary>
    /// <param name="value">The value.</param>
    /// <param name="number">The number, or NaN when <paramref name="value"/> is neither.</param>
    /// <returns>True when a number was read (it may still be non-finite).</returns>
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
    /// <param name="key">The key, relative to this section.</param>
    /// <param name="fallback">Returned when the key is absent or JSON <c>null</c>.</param>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound.</param>
    /// <param name="minExclusive">True when <paramref name="min"/> itself is not allowed.</param>
    /// <param name="maxExclusive">True when <paramref name="max"/> itself is not allowed.</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: not a finite number in range.</exception>
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
    /// <param name="key">The key, relative to this section.</param>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound (inclusive).</param>
    /// <param name="minExclusive">True when <paramref name="min"/> itself is not allowed.</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: not a finite number in range.</exception>
    public double? OptionalNumber(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool minExclusive = false)
    {
        if (!TryGet(key, out _))
        {
            return null;
        }
        return Number(key, 0.0, min, max, minExclusive);
    }

    /// <summary>Reads a whole number in [min, max].</summary>
    /// <param name="key">The key, relative to this section.</param>
    /// <param name="fallback">Returned when the key is absent or JSON <c>null</c>.</param>
    /// <param name="min">The lower bound (inclusive).</param>
    /// <param name="max">The upper bound (inclusive).</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: not an integer in range.</exception>
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

    /// <summary>Reads <c>true</c> or <c>false</c>.</summary>
    /// <param name="key">The key, relative to this section.</param>
    /// <param name="fallback">Returned when the key is absent or JSON <c>null</c>.</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: not a JSON boolean.</exception>
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
    /// <param name="key">The key, relative to this section.</param>
    /// <param name="fallback">Returned when the key is absent or JSON <c>null</c>.</param>
    /// <param name="allowed">The allowed values, lower-case.</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: not one of the allowed values.</exception>
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

    /// <summary>Reads a string or a list of non-empty strings (null when absent or JSON <c>null</c>).</summary>
    /// <param name="key">The key, relative to this section.</param>
    /// <exception cref="InvarLockException">With <see cref="ErrorCodes.InvalidPolicy"/>: anything else, or an empty list.</exception>
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
