using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using InvarLock.Core.Canonical;
using InvarLock.Core.Reporting.Model;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Core.Reporting;

/// <summary>Serialisation of <see cref="EvaluationReport"/>: snake_case names, strict reading (unknown or missing
/// members are errors, NaN is not a number), canonical writing (<see cref="CanonicalJson.WriteIndented"/>).</summary>
public static class ReportJson
{
    /// <summary>The options reports are read and written with.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        NumberHandling = JsonNumberHandling.Strict,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
        AllowDuplicateProperties = false,
    };

    /// <summary>The largest report file read (bytes); a larger file is refused before it is read.</summary>
    public const long MaxReportBytes = 64L * 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted in a report.</summary>
    public const int MaxDepth = 64;

    /// <summary>The members left out of <see cref="IntegritySection.ContentSha256"/>: the time fields and the digest itself.</summary>
    public static IReadOnlyList<string> ContentExcludedMembers { get; } = ["timing", "integrity"];

    /// <summary>The report as a JSON tree, in declaration order.</summary>
    public static JsonObject ToNode(EvaluationReport report) =>
        JsonSerializer.SerializeToNode(report, Options)!.AsObject();

    /// <summary>The report file's text: indented, canonical scalars, trailing newline.</summary>
    public static string ToText(EvaluationReport report) => CanonicalJson.WriteIndented(ToNode(report));

    /// <summary>SHA-256 over the RFC 8785 form of <paramref name="reportNode"/> without <see cref="ContentExcludedMembers"/>.</summary>
    public static string ContentSha256(JsonObject reportNode)
    {
        ArgumentNullException.ThrowIfNull(reportNode);
        var copy = (JsonObject)reportNode.DeepClone();
        foreach (string member in ContentExcludedMembers)
        {
            copy.Remove(member);
        }

        return CanonicalJson.Sha256Hex(copy);
    }

    /// <summary>Reads a report file the one way every command does (<c>verify</c>, <c>explain</c>, <c>report</c>,
    /// <c>evaluate --baseline-report</c>): a regular file of at most <see cref="MaxReportBytes"/>, JSON nested at most
    /// <see cref="MaxDepth"/> deep, no duplicate keys, a top-level object. Returns the file's bytes and its JSON tree;
    /// the typed model is read from the tree with <see cref="Options"/>.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when the file is absent;
    /// <see cref="ErrorCodes.MalformedReport"/> (message <c>PATH: not a valid evaluation report (...)</c>) otherwise.</exception>
    public static (byte[] Bytes, JsonObject Node) ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = InputFile.ReadAllBytes(path, MaxReportBytes, ErrorCodes.MalformedReport, "report file");
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            // JsonDocument accepts invalid UTF-8 inside strings and only fails when a string is read (found by fuzzing).
            throw new InvarLockException(ErrorCodes.MalformedReport, $"{path}: not a valid evaluation report (not valid UTF-8)");
        }
        try
        {
            var documentOptions = new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false };
            // Parsed once as a document first: it refuses duplicate keys up front (a JsonNode tree would only fail,
            // with an unrelated exception, when the duplicated member is first touched).
            using (JsonDocument.Parse(bytes, documentOptions))
            {
            }
            JsonObject node = JsonNode.Parse(bytes, documentOptions: documentOptions) as JsonObject
                ?? throw new JsonException("the top level is not a JSON object");
            return (bytes, node);
        }
        catch (JsonException e)
        {
            throw new InvarLockException(ErrorCodes.MalformedReport, $"{path}: not a valid evaluation report ({OneLine(e.Message)})", e);
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>Reads a report strictly; throws <see cref="JsonException"/> on any structural problem.</summary>
    public static EvaluationReport Parse(string text) =>
        JsonSerializer.Deserialize<EvaluationReport>(text, Options) ?? throw new JsonException("The report is the JSON literal null.");

    /// <summary>UTF-8 bytes of <see cref="ToText"/>.</summary>
    public static byte[] ToUtf8(EvaluationReport report) => new UTF8Encoding(false).GetBytes(ToText(report));
}
