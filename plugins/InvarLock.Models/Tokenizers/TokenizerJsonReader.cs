using System.Globalization;
using System.Text;
using System.Text.Json;
using InvarLock.Models.Tokenizers.AddedTokens;
using InvarLock.Models.Tokenizers.Decoding;
using InvarLock.Models.Tokenizers.Models;
using InvarLock.Models.Tokenizers.Normalizers;
using InvarLock.Models.Tokenizers.PostProcessors;
using InvarLock.Models.Tokenizers.PreTokenizers;
using InvarLock.Models.Tokenizers.Text;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.Tokenizers;

/// <summary>Reads a Hugging Face <c>tokenizer.json</c> into a <see cref="TokenizerPipeline"/>. Every component type
/// and option is checked; anything unknown, unsupported (BPE dropout),
/// out of range or ill-typed is one <see cref="ErrorCodes.MalformedTokenizer"/> error that names the file
/// and the JSON path of the problem.</summary>
internal sealed class TokenizerJsonReader
{
    private readonly string _path;

    private TokenizerJsonReader(string path) => _path = path;

    public static TokenizerPipeline Read(string path)
    {
        string text = InputFile.ReadAllText(path, TokenizerFileReader.MaxTokenizerFileBytes, ErrorCodes.MalformedTokenizer, "tokenizer file");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{path}: not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            return new TokenizerJsonReader(path).ReadRoot(document.RootElement);
        }
    }

    private TokenizerPipeline ReadRoot(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("the top level is not a JSON object");
        }
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("no \"model\" object");
        }
        var normalizer = Optional(root, "normalizer") is { } n ? ReadNormalizer(n, "normalizer") : null;
        var preTokenizer = Optional(root, "pre_tokenizer") is { } p ? ReadPreTokenizer(p, "pre_tokenizer") : null;
        var template = Optional(root, "post_processor") is { } pp ? ReadPostProcessor(pp, "post_processor", root) : SingleSequenceTemplate.None;
        var decoder = Optional(root, "decoder") is { } d ? ReadDecoder(d, "decoder") : null;
        var (modelType, tokenModel) = ReadModel(model);
        var added = ReadAddedTokens(root);
        bool gpt2 = IsGpt2Profile(root, model, modelType);
        return new TokenizerPipeline(modelType, tokenModel, normalizer, preTokenizer, template, decoder, added, gpt2,
            TokenizerDigest.ComputeCanonicalJson(root));
    }

    /// <summary>True when the file is plain GPT-2 byte-level BPE, the case <see cref="Gpt2BpeTokenizer"/> handles.</summary>
    private static bool IsGpt2Profile(JsonElement root, JsonElement model, string modelType)
    {
        if (modelType != "BPE" || Optional(root, "normalizer") is not null)
        {
            return false;
        }
        if (Optional(root, "pre_tokenizer") is not { } pre || TypeOf(pre) != "ByteLevel"
            || Flag(pre, "add_prefix_space", false) || !Flag(pre, "use_regex", true))
        {
            return false;
        }
        if (!root.TryGetProperty("added_tokens", out var a) || a.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var token in a.EnumerateArray())
        {
            if (!Flag(token, "special", false) || Flag(token, "lstrip", false) || Flag(token, "rstrip", false) || Flag(token, "single_word", false))
            {
                return false;
            }
        }
        return !Flag(model, "byte_fallback", false) && !Flag(model, "fuse_unk", false)
            && Optional(model, "unk_token") is null
            && string.IsNullOrEmpty(Optional(model, "continuing_subword_prefix")?.GetString())
            && string.IsNullOrEmpty(Optional(model, "end_of_word_suffix")?.GetString());
    }

    // ---- models ----

    private (string Type, ITokenModel Model) ReadModel(JsonElement model)
    {
        string type = Optional(model, "type") is { } t ? String(t, "model.type")
            : model.TryGetProperty("merges", out _) ? "BPE"
            : model.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Array ? "Unigram"
            : model.TryGetProperty("max_input_chars_per_word", out _) ? "WordPiece"
            : "WordLevel";
        switch (type)
        {
            case "BPE":
            {
                if (Optional(model, "dropout") is { } dropout && !(dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() == 0))
                {
                    throw Malformed("model.dropout is not supported (BPE dropout makes ids random)");
                }
                var vocab = ReadVocab(Required(model, "vocab", "model"), "model.vocab");
                var merges = ReadMerges(Required(model, "merges", "model"));
                var options = new BpeOptions(
                    OptionalString(model, "unk_token", "model"),
                    Flag(model, "fuse_unk", false, "model"),
                    Flag(model, "byte_fallback", false, "model"),
                    Flag(model, "ignore_merges", false, "model"),
                    OptionalString(model, "continuing_subword_prefix", "model"),
                    OptionalString(model, "end_of_word_suffix", "model"));
                return (type, new BpeModel(vocab, merges, options, _path));
            }
            case "WordPiece":
            {
                var vocab = ReadVocab(Required(model, "vocab", "model"), "model.vocab");
                int max = Optional(model, "max_input_chars_per_word") is { } m ? Int(m, "model.max_input_chars_per_word", 1, int.MaxValue) : 100;
                return (type, new WordPieceModel(vocab, OptionalString(model, "unk_token", "model") ?? "[UNK]",
                    OptionalString(model, "continuing_subword_prefix", "model") ?? "##", max, _path));
            }
            case "WordLevel":
                return (type, new WordLevelModel(ReadVocab(Required(model, "vocab", "model"), "model.vocab"),
                    OptionalString(model, "unk_token", "model") ?? "<unk>", _path));
            case "Unigram":
            {
                int? unkId = Optional(model, "unk_id") is { } u && u.ValueKind != JsonValueKind.Null
                    ? Int(u, "model.unk_id", 0, VocabularyTable.MaxId) : null;
                return (type, new UnigramModel(ReadScoredVocab(Required(model, "vocab", "model")), unkId,
                    Flag(model, "byte_fallback", false, "model"), _path));
            }
            default:
                throw Malformed($"model.type \"{type}\" is not one of BPE, WordPiece, WordLevel, Unigram");
        }
    }

    /// <summary>A Unigram <c>model.vocab</c>: an array of <c>[token, score]</c> pairs, the id being the position.</summary>
    private List<(string Token, double Score)> ReadScoredVocab(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("model.vocab of a Unigram model is not an array of [token, score]");
        }
        int count = element.GetArrayLength();
        if (count > VocabularyTable.MaxId + 1)
        {
            throw Malformed($"model.vocab has {count} entries, more than {VocabularyTable.MaxId + 1}");
        }
        var vocab = new List<(string, double)>(count);
        int index = 0;
        foreach (var entry in element.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2 || entry[0].ValueKind != JsonValueKind.String
                || entry[1].ValueKind != JsonValueKind.Number || !double.IsFinite(entry[1].GetDouble()))
            {
                throw Malformed($"model.vocab[{index}] is not [token, finite score]");
            }
            vocab.Add((entry[0].GetString()!, entry[1].GetDouble()));
            index++;
        }
        return vocab;
    }

    private Dictionary<string, int> ReadVocab(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Malformed($"{where} is not a JSON object of token ids");
        }
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0 || id > VocabularyTable.MaxId)
            {
                throw Malformed($"token '{entry.Name}' in {where} has no integer id in 0..{VocabularyTable.MaxId}");
            }
            vocab.Add(entry.Name, id);
        }
        return vocab;
    }

    private List<BpeMerge> ReadMerges(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("model.merges is not an array");
        }
        var merges = new List<BpeMerge>(element.GetArrayLength());
        int index = 0;
        foreach (var merge in element.EnumerateArray())
        {
            index++;
            if (merge.ValueKind == JsonValueKind.String)
            {
                string s = merge.GetString()!;
                int space = s.IndexOf(' ');
                if (space > 0 && space < s.Length - 1 && s.IndexOf(' ', space + 1) < 0)
                {
                    merges.Add(new BpeMerge(s[..space], s[(space + 1)..]));
                    continue;
                }
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String
                && merge[0].GetString()!.Length > 0 && merge[1].GetString()!.Length > 0)
            {
                merges.Add(new BpeMerge(merge[0].GetString()!, merge[1].GetString()!));
                continue;
            }
            throw Malformed($"model.merges[{index - 1}] is neither \"a b\" nor [\"a\", \"b\"]");
        }
        return merges;
    }

    private List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (Optional(root, "added_tokens") is not { } array)
        {
            return tokens;
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Malformed("added_tokens is not an array");
        }
        int index = 0;
        foreach (var token in array.EnumerateArray())
        {
            string where = $"added_tokens[{index++}]";
            if (token.ValueKind != JsonValueKind.Object)
            {
                throw Malformed($"{where} is not an object");
            }
            int id = Int(Required(token, "id", where), where + ".id", 0, VocabularyTable.MaxId);
            string content = String(Required(token, "content", where), where + ".content");
            bool special = Flag(token, "special", false, where);
            tokens.Add(new AddedToken(id, content, Flag(token, "single_word", false, where), Flag(token, "lstrip", false, where),
                Flag(token, "rstrip", false, where), Flag(token, "normalized", !special, where), special));
        }
        return tokens;
    }

    // ---- normalizers ----

    private INormalizer ReadNormalizer(JsonElement e, string where)
    {
        string type = RequiredType(e, where);
        switch (type)
        {
            case "NFC": return new UnicodeFormNormalizer(NormalizationForm.FormC);
            case "NFD": return new UnicodeFormNormalizer(NormalizationForm.FormD);
            case "NFKC": return new UnicodeFormNormalizer(NormalizationForm.FormKC);
            case "NFKD": return new UnicodeFormNormalizer(NormalizationForm.FormKD);
            case "Lowercase": return new LowercaseNormalizer();
            case "StripAccents": return new StripAccentsNormalizer(nonSpacingOnly: false);
            case "Strip": return new StripNormalizer(Flag(e, "strip_left", true, where), Flag(e, "strip_right", true, where));
            case "Prepend": return new PrependNormalizer(String(Required(e, "prepend", where), where + ".prepend"));
            case "Replace": return ReadReplace(e, where);
            case "Sequence":
                return new SequenceNormalizer(ReadList(e, "normalizers", where, ReadNormalizer));
            case "BertNormalizer":
            {
                bool lowercase = Flag(e, "lowercase", true, where);
                bool stripAccents = Optional(e, "strip_accents") is { } sa ? Bool(sa, where + ".strip_accents") : lowercase;
                var steps = new List<INormalizer>();
                if (Flag(e, "clean_text", true, where))
                {
                    steps.Add(new BertCleanTextNormalizer());
                }
                if (Flag(e, "handle_chinese_chars", true, where))
                {
                    steps.Add(new BertChineseCharsNormalizer());
                }
                if (stripAccents)
                {
                    steps.Add(new UnicodeFormNormalizer(NormalizationForm.FormD));
                    steps.Add(new StripAccentsNormalizer(nonSpacingOnly: true));
                }
                if (lowercase)
                {
                    steps.Add(new LowercaseNormalizer());
                }
                return new SequenceNormalizer(steps);
            }
            case "Precompiled":
                return ReadPrecompiled(e, where);
            default:
                throw Malformed($"{where}.type \"{type}\" is not a supported normalizer (NFC, NFD, NFKC, NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, BertNormalizer, Precompiled, Sequence)");
        }
    }

    /// <summary><c>Precompiled</c>: SentencePiece's charsmap, base64 in <c>precompiled_charsmap</c>; absent, null or
    /// empty means no normalization (what Hugging Face's converter writes for an identity rule).</summary>
    private INormalizer ReadPrecompiled(JsonElement e, string where)
    {
        if (Optional(e, "precompiled_charsmap") is not { } map)
        {
            return new SequenceNormalizer([]);
        }
        string base64 = String(map, where + ".precompiled_charsmap");
        if (base64.Length == 0)
        {
            return new SequenceNormalizer([]);
        }
        if (base64.Length > (PrecompiledNormalizer.MaxCharsmapBytes / 3 + 1) * 4)
        {
            throw Malformed($"{where}.precompiled_charsmap is longer than {PrecompiledNormalizer.MaxCharsmapBytes} bytes");
        }
        byte[] charsmap;
        try
        {
            charsmap = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw Malformed($"{where}.precompiled_charsmap is not base64");
        }
        try
        {
            return PrecompiledNormalizer.FromCharsmap(charsmap);
        }
        catch (InvalidDataException ex)
        {
            throw Malformed($"{where}.precompiled_charsmap: {ex.Message}");
        }
    }

    private ReplaceNormalizer ReadReplace(JsonElement e, string where) =>
        new(ReadPattern(Required(e, "pattern", where), where + ".pattern"), String(Required(e, "content", where), where + ".content"));

    private SplitPattern ReadPattern(JsonElement e, string where)
    {
        if (e.ValueKind == JsonValueKind.Object)
        {
            if (Optional(e, "String") is { } s)
            {
                return new LiteralPattern(String(s, where + ".String"));
            }
            if (Optional(e, "Regex") is { } r)
            {
                string pattern = String(r, where + ".Regex");
                if (LlamaSplitPattern.TryCreate(pattern) is { } scanner)
                {
                    return scanner;
                }
                try
                {
                    return new RegexPattern(pattern, _path);
                }
                catch (ArgumentException ex)
                {
                    throw Malformed($"{where}.Regex /{pattern}/ is not a regex .NET can run ({ex.Message.ReplaceLineEndings(" ")})");
                }
            }
        }
        throw Malformed($"{where} is neither {{\"String\": ...}} nor {{\"Regex\": ...}}");
    }

    // ---- pre-tokenizers ----

    private IPreTokenizer ReadPreTokenizer(JsonElement e, string where)
    {
        string type = RequiredType(e, where);
        switch (type)
        {
            case "ByteLevel":
                return new ByteLevelPreTokenizer(Flag(e, "add_prefix_space", true, where), Flag(e, "use_regex", true, where));
            case "Split":
                return new SplitPreTokenizer(ReadPattern(Required(e, "pattern", where), where + ".pattern"),
                    ReadBehavior(Required(e, "behavior", where), where + ".behavior"), Flag(e, "invert", false, where));
            case "Metaspace":
            {
                char replacement = ReadChar(e, "replacement", '\u2581', where);
                MetaspacePrependScheme scheme;
                if (Optional(e, "prepend_scheme") is { } ps)
                {
                    scheme = String(ps, where + ".prepend_scheme") switch
                    {
                        "always" => MetaspacePrependScheme.Always,
                        "first" => MetaspacePrependScheme.First,
                        "never" => MetaspacePrependScheme.Never,
                        var other => throw Malformed($"{where}.prepend_scheme \"{other}\" is not always, first or never"),
                    };
                }
                else
                {
                    scheme = Flag(e, "add_prefix_space", true, where) ? MetaspacePrependScheme.Always : MetaspacePrependScheme.Never;
                }
                return new MetaspacePreTokenizer(replacement, scheme, Flag(e, "split", true, where));
            }
            case "Whitespace":
                return new SplitPreTokenizer(new RegexPattern(@"\w+|[^\w\s]+", _path), SplitBehavior.Removed, invert: true);
            case "WhitespaceSplit":
                return new SplitPreTokenizer(new CharClassPattern(UnicodeClasses.IsWhitespace), SplitBehavior.Removed, invert: false);
            case "BertPreTokenizer":
                return new BertPreTokenizer();
            case "Punctuation":
                return new SplitPreTokenizer(new CharClassPattern(UnicodeClasses.IsBertPunctuation),
                    Optional(e, "behavior") is { } b ? ReadBehavior(b, where + ".behavior") : SplitBehavior.Isolated, invert: false);
            case "Digits":
                return new SplitPreTokenizer(new CharClassPattern(UnicodeClasses.IsNumeric),
                    Flag(e, "individual_digits", false, where) ? SplitBehavior.Isolated : SplitBehavior.Contiguous, invert: false);
            case "CharDelimiterSplit":
            {
                char delimiter = ReadChar(e, "delimiter", '\0', where);
                return new SplitPreTokenizer(new CharClassPattern(r => r.Value == delimiter), SplitBehavior.Removed, invert: false);
            }
            case "Sequence":
                return new SequencePreTokenizer(ReadList(e, "pretokenizers", where, ReadPreTokenizer));
            default:
                throw Malformed($"{where}.type \"{type}\" is not a supported pre-tokenizer (ByteLevel, Split, Metaspace, Whitespace, WhitespaceSplit, BertPreTokenizer, Punctuation, Digits, CharDelimiterSplit, Sequence)");
        }
    }

    private SplitBehavior ReadBehavior(JsonElement e, string where) => String(e, where) switch
    {
        "Removed" => SplitBehavior.Removed,
        "Isolated" => SplitBehavior.Isolated,
        "MergedWithPrevious" => SplitBehavior.MergedWithPrevious,
        "MergedWithNext" => SplitBehavior.MergedWithNext,
        "Contiguous" => SplitBehavior.Contiguous,
        var other => throw Malformed($"{where} \"{other}\" is not Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous"),
    };

    // ---- post-processors ----

    private SingleSequenceTemplate ReadPostProcessor(JsonElement e, string where, JsonElement root)
    {
        string type = RequiredType(e, where);
        switch (type)
        {
            case "ByteLevel":
                return SingleSequenceTemplate.None;
            case "TemplateProcessing":
            {
                var specials = new Dictionary<string, int[]>(StringComparer.Ordinal);
                if (Optional(e, "special_tokens") is { } map)
                {
                    if (map.ValueKind != JsonValueKind.Object)
                    {
                        throw Malformed($"{where}.special_tokens is not an object");
                    }
                    foreach (var entry in map.EnumerateObject())
                    {
                        string w = $"{where}.special_tokens.{entry.Name}";
                        var ids = Required(entry.Value, "ids", w);
                        if (ids.ValueKind != JsonValueKind.Array)
                        {
                            throw Malformed($"{w}.ids is not an array");
                        }
                        var list = new List<int>();
                        foreach (var id in ids.EnumerateArray())
                        {
                            list.Add(Int(id, w + ".ids[]", 0, VocabularyTable.MaxId));
                        }
                        specials[entry.Name] = [.. list];
                    }
                }
                var single = Required(e, "single", where);
                if (single.ValueKind != JsonValueKind.Array)
                {
                    throw Malformed($"{where}.single is not an array");
                }
                var prefix = new List<int>();
                var suffix = new List<int>();
                bool seenSequence = false;
                foreach (var piece in single.EnumerateArray())
                {
                    if (Optional(piece, "Sequence") is not null)
                    {
                        seenSequence = true;
                    }
                    else if (Optional(piece, "SpecialToken") is { } special)
                    {
                        string name = String(Required(special, "id", where + ".single[]"), where + ".single[].SpecialToken.id");
                        if (!specials.TryGetValue(name, out var ids))
                        {
                            throw Malformed($"{where}.single uses special token '{name}', which special_tokens does not define");
                        }
                        (seenSequence ? suffix : prefix).AddRange(ids);
                    }
                    else
                    {
                        throw Malformed($"{where}.single has an entry that is neither Sequence nor SpecialToken");
                    }
                }
                return new SingleSequenceTemplate(prefix, suffix, "TemplateProcessing");
            }
            case "BertProcessing":
            case "RobertaProcessing":
                return new SingleSequenceTemplate([ReadTokenPair(e, "cls", where)], [ReadTokenPair(e, "sep", where)], type);
            case "Sequence":
            {
                var result = SingleSequenceTemplate.None;
                foreach (var step in ReadList(e, "processors", where, (p, w) => ReadPostProcessor(p, w, root)))
                {
                    result = step.Around(result);
                }
                return result;
            }
            default:
                throw Malformed($"{where}.type \"{type}\" is not a supported post-processor (TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel, Sequence)");
        }
    }

    private int ReadTokenPair(JsonElement e, string name, string where)
    {
        var pair = Required(e, name, where);
        if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair[0].ValueKind != JsonValueKind.String)
        {
            throw Malformed($"{where}.{name} is not [\"token\", id]");
        }
        return Int(pair[1], $"{where}.{name}[1]", 0, VocabularyTable.MaxId);
    }

    // ---- decoders ----

    private ITokenDecoder ReadDecoder(JsonElement e, string where)
    {
        string type = RequiredType(e, where);
        switch (type)
        {
            case "ByteLevel": return new ByteLevelDecoder();
            case "ByteFallback": return new ByteFallbackDecoder();
            case "Fuse": return new FuseDecoder();
            case "Replace": return new ReplaceDecoder(ReadReplace(e, where));
            case "Strip":
                return new StripDecoder(ReadChar(e, "content", ' ', where),
                    Int(Required(e, "start", where), where + ".start", 0, int.MaxValue), Int(Required(e, "stop", where), where + ".stop", 0, int.MaxValue));
            case "Metaspace":
            {
                bool strip = Optional(e, "prepend_scheme") is { } ps ? String(ps, where + ".prepend_scheme") != "never" : Flag(e, "add_prefix_space", true, where);
                return new MetaspaceDecoder(ReadChar(e, "replacement", '\u2581', where), strip);
            }
            case "WordPiece":
                return new WordPieceDecoder(OptionalString(e, "prefix", where) ?? "##", Flag(e, "cleanup", true, where));
            case "Sequence":
                return new SequenceDecoder(ReadList(e, "decoders", where, ReadDecoder));
            default:
                throw Malformed($"{where}.type \"{type}\" is not a supported decoder (ByteLevel, ByteFallback, Fuse, Replace, Strip, Metaspace, WordPiece, Sequence)");
        }
    }

    // ---- JSON helpers ----

    private List<T> ReadList<T>(JsonElement e, string name, string where, Func<JsonElement, string, T> read)
    {
        var array = Required(e, name, where);
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw Malformed($"{where}.{name} is not an array");
        }
        var list = new List<T>();
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            list.Add(read(item, $"{where}.{name}[{i++}]"));
        }
        return list;
    }

    private string RequiredType(JsonElement e, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Malformed($"{where} is not an object");
        }
        return String(Required(e, "type", where), where + ".type");
    }

    private static string? TypeOf(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private static JsonElement? Optional(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private JsonElement Required(JsonElement e, string name, string where) =>
        Optional(e, name) ?? throw Malformed($"{where} has no \"{name}\"");

    private static bool Flag(JsonElement e, string name, bool fallback) =>
        Optional(e, name) is { } v ? v.ValueKind == JsonValueKind.True || (v.ValueKind != JsonValueKind.False && fallback) : fallback;

    private bool Flag(JsonElement e, string name, bool fallback, string where) =>
        Optional(e, name) is { } v ? Bool(v, $"{where}.{name}") : fallback;

    private bool Bool(JsonElement v, string where) => v.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Malformed($"{where} {Short(v)} is not true or false"),
    };

    private string String(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Malformed($"{where} {Short(v)} is not a string");

    private string? OptionalString(JsonElement e, string name, string where) =>
        Optional(e, name) is { } v ? String(v, $"{where}.{name}") : null;

    private int Int(JsonElement v, string where, int min, int max) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i >= min && i <= max
            ? i
            : throw Malformed($"{where} {Short(v)} is not an integer in {min}..{max}");

    private char ReadChar(JsonElement e, string name, char fallback, string where)
    {
        if (Optional(e, name) is not { } v)
        {
            return fallback;
        }
        string s = String(v, $"{where}.{name}");
        return s.Length == 1 ? s[0] : throw Malformed($"{where}.{name} \"{s}\" is not one char");
    }

    private static string Short(JsonElement v)
    {
        string raw = v.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "...";
    }

    private InvarLockException Malformed(string problem) => new(ErrorCodes.MalformedTokenizer, $"{_path}: {problem}");
}
