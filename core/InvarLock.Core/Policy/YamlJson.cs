using System.Globalization;
using System.Text.Json.Nodes;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace InvarLock.Core.Policy;

/// <summary>Reads YAML (tiers, presets) into JSON nodes. Plain scalars become numbers, booleans or null when they
/// look like one (YAML 1.2 core schema); quoted scalars stay strings.</summary>
/// <remarks>Bounded: the text is read from YAML parser events without recursion (so deep nesting cannot overflow the
/// stack), nesting deeper than <see cref="MaxDepth"/> is refused as soon as it is seen, aliases (<c>*name</c>) are
/// refused rather than expanded (so an alias bomb cannot grow memory), duplicate keys and non-scalar keys are refused,
/// and files are read with the <see cref="MaxFileBytes"/> limit. Only the first document is read.</remarks>
internal static class YamlJson
{
    /// <summary>The deepest nesting of mappings and sequences accepted.</summary>
    public const int MaxDepth = 64;

    /// <summary>The largest YAML file accepted.</summary>
    public const long MaxFileBytes = 1L << 20;

    /// <summary>Reads and parses a YAML file (a regular file of at most <see cref="MaxFileBytes"/>); <paramref name="what"/>
    /// names it in errors (for example <c>"preset file"</c>).</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when absent;
    /// <see cref="ErrorCodes.InvalidPolicy"/> when it is not a regular file, too large, or not a valid bounded YAML mapping.</exception>
    public static JsonObject ParseFile(string path, string what) =>
        ParseObject(InputFile.ReadAllText(path, MaxFileBytes, ErrorCodes.InvalidPolicy, what), path);

    /// <summary>Parses <paramref name="text"/>; <paramref name="source"/> names the file in errors.</summary>
    public static JsonObject ParseObject(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                return new JsonObject();
            }
            parser.Consume<DocumentStart>();
            if (parser.Accept<DocumentEnd>(out _))
            {
                return new JsonObject();
            }
            JsonNode? root = ReadNode(parser, source);
            return root as JsonObject
                ?? throw new InvarLockException(ErrorCodes.InvalidPolicy, $"{source}: top level must be a mapping");
        }
        catch (YamlException ex)
        {
            throw new InvarLockException(ErrorCodes.InvalidPolicy,
                $"{source}: invalid YAML at line {ex.Start.Line}: {CliLine(ex.Message)}");
        }
        catch (InvalidOperationException ex) when (ex.Source == typeof(Parser).Assembly.GetName().Name)
        {
            // YamlDotNet's scanner throws InvalidOperationException (not YamlException) on some malformed flow
            // collections (found by fuzzing, docs/security/fuzzing.md); it is still invalid YAML.
            throw new InvarLockException(ErrorCodes.InvalidPolicy, $"{source}: invalid YAML ({CliLine(ex.Message)})");
        }
    }

    /// <summary>Reads one node (scalar, mapping or sequence) and everything inside it, iteratively.</summary>
    private static JsonNode? ReadNode(IParser parser, string source)
    {
        // Each open container; for a mapping, the key waiting for its value (null while a key is expected).
        var open = new Stack<(JsonNode Container, string? PendingKey)>();
        JsonNode? finished = null;
        bool done = false;
        while (!done)
        {
            ParsingEvent ev = parser.Consume<ParsingEvent>();
            JsonNode? value;
            bool isValue;
            switch (ev)
            {
                case AnchorAlias alias:
                    throw Invalid(source, ev, $"alias '*{alias.Value}' is not supported (aliases are refused, not expanded)");
                case Scalar scalar:
                    if (open.Count > 0 && open.Peek() is { Container: JsonObject, PendingKey: null })
                    {
                        // A mapping key.
                        var (container, _) = open.Pop();
                        string key = scalar.Value;
                        if (((JsonObject)container).ContainsKey(key))
                        {
                            throw Invalid(source, ev, $"duplicate key '{key}'");
                        }
                        open.Push((container, key));
                        continue;
                    }
                    value = ConvertScalar(scalar);
                    isValue = true;
                    break;
                case MappingStart:
                case SequenceStart:
                    if (open.Count > 0 && open.Peek() is { Container: JsonObject, PendingKey: null })
                    {
                        throw Invalid(source, ev, "mapping keys must be plain scalars");
                    }
                    if (open.Count >= MaxDepth)
                    {
                        throw Invalid(source, ev, $"nesting is deeper than {MaxDepth} levels");
                    }
                    open.Push((ev is MappingStart ? new JsonObject() : new JsonArray(), null));
                    continue;
                case MappingEnd:
                case SequenceEnd:
                    value = open.Pop().Container;
                    isValue = true;
                    break;
                default:
                    continue;
            }
            if (!isValue)
            {
                continue;
            }
            if (open.Count == 0)
            {
                finished = value;
                done = true;
                continue;
            }
            var (parent, pending) = open.Pop();
            if (parent is JsonObject obj)
            {
                obj[pending!] = value;
                open.Push((obj, null));
            }
            else
            {
                ((JsonArray)parent).Add(value);
                open.Push((parent, null));
            }
        }
        return finished;
    }

    private static InvarLockException Invalid(string source, ParsingEvent ev, string problem) =>
        new(ErrorCodes.InvalidPolicy, $"{source}: invalid YAML at line {ev.Start.Line}: {problem}");

    private static string CliLine(string message) => message.ReplaceLineEndings(" ").Trim();

    private static JsonNode? ConvertScalar(Scalar scalar)
    {
        string value = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return JsonValue.Create(l);
        }
        // Only finite numbers: .NET also parses "NaN", "Infinity" and overflowing exponents ("1e999"), which YAML's core
        // schema does not call numbers and which JSON cannot hold (writing one throws), so they stay strings.
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }
        return JsonValue.Create(value);
    }
}
