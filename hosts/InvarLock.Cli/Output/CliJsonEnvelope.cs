using System.Text.Json;
using System.Text.Json.Nodes;

namespace InvarLock.Cli;

/// <summary>The one shape every command prints under <c>--json</c> (docs/reference/cli-json.md,
/// docs/reference/cli-json.schema.json): <c>schema</c>, <c>command</c>, <c>tool_version</c>, <c>exit_code</c>,
/// <c>result</c> (the command's own object, or null when it failed before producing one) and <c>errors</c>
/// (<c>{code, message, file}</c> each). Usage errors and every other error are printed this way too.</summary>
internal static class CliJsonEnvelope
{
    /// <summary>The envelope's <c>schema</c> value.</summary>
    public const string Schema = "invarlock-cli/v1";

    public static JsonObject Create(string command, int exitCode, JsonNode? result, IReadOnlyList<CliJsonError> errors)
    {
        var items = new JsonArray();
        foreach (CliJsonError e in errors)
        {
            items.Add(new JsonObject { ["code"] = e.Code, ["message"] = e.Message, ["file"] = e.File });
        }
        return new JsonObject
        {
            ["schema"] = Schema,
            ["command"] = command,
            ["tool_version"] = ToolInfo.Version,
            ["exit_code"] = exitCode,
            ["result"] = result,
            ["errors"] = items,
        };
    }

    public static string ToLine(JsonObject envelope) => envelope.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}

/// <summary>One entry of the envelope's <c>errors</c>: the error code (<c>IL….</c>), the one-line message, and the
/// file at fault when the message names one (its leading absolute path), else null.</summary>
internal sealed record CliJsonError(string Code, string Message, string? File)
{
    /// <summary>An error whose <see cref="File"/> is taken from the message's leading <c>PATH:</c> when it is absolute.</summary>
    public static CliJsonError FromMessage(string code, string message)
    {
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        string? file = colon > 0 && Path.IsPathRooted(message[..colon]) ? message[..colon] : null;
        return new CliJsonError(code, message, file);
    }
}

/// <summary>Errors a command adds to its <c>--json</c> envelope without failing (for example <c>verify</c>'s malformed reports).</summary>
internal sealed class CliJsonErrors
{
    public List<CliJsonError> Items { get; } = [];
}
