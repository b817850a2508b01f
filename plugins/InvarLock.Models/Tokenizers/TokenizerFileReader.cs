using System.Text;
using System.Text.Json;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.Tokenizers;

/// <summary>Reads byte-level BPE definitions from Hugging Face <c>tokenizer.json</c> files and from GPT-2's
/// <c>vocab.json</c> + <c>merges.txt</c> pairs. Every problem becomes an <see cref="InvarLockException"/> that names
/// the file.</summary>
internal static class TokenizerFileReader
{
    public static BpeDefinition ReadTokenizerJson(string path)
    {
        using var document = ParseJson(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, "the top level is not a JSON object");
        }
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, "no \"model\" object");
        }
        if (model.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "BPE"))
        {
            throw Malformed(path, $"model type {type.GetRawText()} is not BPE");
        }
        CheckNullOrEmpty(path, model, "continuing_subword_prefix");
        CheckNullOrEmpty(path, model, "end_of_word_suffix");
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind != JsonValueKind.Null
            && !(dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() == 0))
        {
            throw Malformed(path, "BPE dropout is not supported (it makes ids random)");
        }
        if (model.TryGetProperty("byte_fallback", out var byteFallback) && byteFallback.ValueKind == JsonValueKind.True)
        {
            throw Malformed(path, "byte_fallback is not supported by a byte-level tokenizer");
        }
        bool ignoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True;
        if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind != JsonValueKind.Null)
        {
            throw Malformed(path, "a normalizer is not supported (GPT-2 byte-level BPE has none)");
        }
        CheckPreTokenizer(path, root);

        if (!model.TryGetProperty("vocab", out var vocabElement))
        {
            throw Malformed(path, "no model.vocab");
        }
        var vocab = ReadVocab(path, vocabElement, "model.vocab");

        if (!model.TryGetProperty("merges", out var mergesElement) || mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw Malformed(path, "model.merges is missing or not an array");
        }
        var merges = new List<BpeMerge>(mergesElement.GetArrayLength());
        int index = 0;
        foreach (var merge in mergesElement.EnumerateArray())
        {
            index++;
            merges.Add(ReadMerge(path, merge, index));
        }

        var added = new HashSet<int>();
        if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind != JsonValueKind.Null)
        {
            if (addedTokens.ValueKind != JsonValueKind.Array)
            {
                throw Malformed(path, "added_tokens is not an array");
            }
            foreach (var token in addedTokens.EnumerateArray())
            {
                if (token.ValueKind != JsonValueKind.Object
                    || !token.TryGetProperty("id", out var idElement) || !idElement.TryGetInt32(out int id)
                    || !token.TryGetProperty("content", out var contentElement) || contentElement.ValueKind != JsonValueKind.String)
                {
                    throw Malformed(path, "an added_tokens entry lacks an integer id or a string content");
                }
                string content = contentElement.GetString()!;
                if (vocab.TryGetValue(content, out int existing) && existing != id)
                {
                    throw Malformed(path, $"added token '{content}' has id {id} but model.vocab gives it {existing}");
                }
                vocab[content] = id;
                added.Add(id);
            }
        }
        return new BpeDefinition(vocab, merges, added, ignoreMerges);
    }

    public static BpeDefinition ReadVocabAndMerges(string vocabPath, string mergesPath)
    {
        Dictionary<string, int> vocab;
        using (var document = ParseJson(vocabPath))
        {
            vocab = ReadVocab(vocabPath, document.RootElement, "the vocabulary");
        }
        return new BpeDefinition(vocab, ReadMergesText(mergesPath), [], ignoreMerges: false);
    }

    private static List<BpeMerge> ReadMergesText(string path)
    {
        string text = ReadText(path);
        var merges = new List<BpeMerge>();
        int lineNumber = 0;
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine;
            if (line.IsEmpty || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }
            var parts = line.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                throw Malformed(path, $"line {lineNumber} is not two tokens separated by a space");
            }
            merges.Add(new BpeMerge(parts[0], parts[1]));
        }
        return merges;
    }

    private static BpeMerge ReadMerge(string path, JsonElement merge, int index)
    {
        if (merge.ValueKind == JsonValueKind.String)
        {
            string text = merge.GetString()!;
            int space = text.IndexOf(' ');
            if (space > 0 && space < text.Length - 1 && text.IndexOf(' ', space + 1) < 0)
            {
                return new BpeMerge(text[..space], text[(space + 1)..]);
            }
        }
        else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
            && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
        {
            string left = merge[0].GetString()!;
            string right = merge[1].GetString()!;
            if (left.Length > 0 && right.Length > 0)
            {
                return new BpeMerge(left, right);
            }
        }
        throw Malformed(path, $"merge {index} is neither \"a b\" nor [\"a\", \"b\"]");
    }

    private static Dictionary<string, int> ReadVocab(string path, JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, $"{what} is not a JSON object of token ids");
        }
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
            {
                throw Malformed(path, $"token '{entry.Name}' in {what} has no non-negative integer id");
            }
            if (!vocab.TryAdd(entry.Name, id))
            {
                throw Malformed(path, $"token '{entry.Name}' appears twice in {what}");
            }
        }
        return vocab;
    }

    private static void CheckPreTokenizer(string path, JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object
            || !pre.TryGetProperty("type", out var type) || type.GetString() != "ByteLevel")
        {
            throw Malformed(path, "pre_tokenizer is not ByteLevel (only GPT-2 byte-level BPE is supported)");
        }
        if (pre.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
        {
            throw Malformed(path, "pre_tokenizer ByteLevel with add_prefix_space true is not supported");
        }
        if (pre.TryGetProperty("use_regex", out var useRegex) && useRegex.ValueKind == JsonValueKind.False)
        {
            throw Malformed(path, "pre_tokenizer ByteLevel with use_regex false is not supported");
        }
    }

    private static void CheckNullOrEmpty(string path, JsonElement model, string name)
    {
        if (model.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            && !(value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0))
        {
            throw Malformed(path, $"model.{name} {value.GetRawText()} is not supported");
        }
    }

    private static JsonDocument ParseJson(string path)
    {
        string text = ReadText(path);
        try
        {
            return JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{path}: not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>The largest tokenizer file accepted.</summary>
    internal const long MaxTokenizerFileBytes = 256L * 1024 * 1024;

    private static string ReadText(string path) =>
        InputFile.ReadAllText(path, MaxTokenizerFileBytes, ErrorCodes.MalformedTokenizer, "tokenizer file");

    private static InvarLockException Malformed(string path, string problem) =>
        new(ErrorCodes.MalformedTokenizer, $"{path}: {problem}");
}
