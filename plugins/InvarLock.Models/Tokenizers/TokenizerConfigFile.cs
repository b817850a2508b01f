using System.Text.Json;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.Tokenizers;

/// <summary>What InvarLock reads from a model folder's <c>tokenizer_config.json</c> (transformers' settings around
/// the fast tokenizer): <c>add_bos_token</c>, <c>bos_token</c>, <c>eos_token</c>. Absent file: all null.</summary>
internal sealed record TokenizerConfigFile(bool? AddBosToken, string? BosToken, string? EosToken, string? Path)
{
    public static readonly TokenizerConfigFile Absent = new(null, null, null, null);

    /// <summary>The largest <c>tokenizer_config.json</c> accepted (Gemma 3's is about 1 MiB).</summary>
    internal const long MaxBytes = 64L * 1024 * 1024;

    public static TokenizerConfigFile Read(string modelFolder)
    {
        string path = System.IO.Path.Combine(modelFolder, "tokenizer_config.json");
        if (!System.IO.Path.Exists(path))
        {
            return Absent;
        }
        string text = InputFile.ReadAllText(path, MaxBytes, ErrorCodes.MalformedTokenizer, "tokenizer config");
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(path, "the top level is not a JSON object");
            }
            bool? addBos = null;
            if (root.TryGetProperty("add_bos_token", out var add) && add.ValueKind != JsonValueKind.Null)
            {
                addBos = add.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Malformed(path, $"add_bos_token {add.GetRawText()} is not true or false"),
                };
            }
            return new TokenizerConfigFile(addBos, TokenText(path, root, "bos_token"), TokenText(path, root, "eos_token"), path);
        }
        catch (JsonException e)
        {
            throw Malformed(path, $"not valid JSON ({e.Message})");
        }
    }

    private static string? TokenText(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }
        throw Malformed(path, $"{name} is neither a string nor an object with a string content");
    }

    private static InvarLockException Malformed(string path, string problem) => new(ErrorCodes.MalformedTokenizer, $"{path}: {problem}");
}
