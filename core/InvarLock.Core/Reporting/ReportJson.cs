using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using InvarLock.Core.Canonical;
using InvarLock.Core.Reporting.Model;

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
        MaxDepth = 64,
    };

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

    /// <summary>Reads a report strictly; throws <see cref="JsonException"/> on any structural problem.</summary>
    public static EvaluationReport Parse(string text) =>
        JsonSerializer.Deserialize<EvaluationReport>(text, Options) ?? throw new JsonException("The report is the JSON literal null.");

    /// <summary>UTF-8 bytes of <see cref="ToText"/>.</summary>
    public static byte[] ToUtf8(EvaluationReport report) => new UTF8Encoding(false).GetBytes(ToText(report));
}
