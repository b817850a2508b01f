using System.Text.Json.Nodes;
using InvarLock.Models.Tokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>Each supported component against Hugging Face's Rust <c>tokenizers</c>: the Mistral-7B
/// <c>tokenizer.json</c> (32k SentencePiece BPE with byte fallback) with its normalizer, pre-tokenizer, model options or
/// added tokens swapped for the component under test, and WordPiece / WordLevel models built from its vocabulary,
/// encoded over golden, test and hostile strings, special tokens as text and matched.</summary>
[Trait("Category", "Parity")]
public sealed class HuggingFaceComponentParityTests
{
    private static readonly Lazy<List<string>> Texts = new(() =>
    {
        var texts = new List<string>();
        texts.AddRange(HuggingFaceReference.Golden("llama-bpe").Texts);
        texts.AddRange(TokenizerTestData.VariedTexts);
        texts.AddRange(HuggingFaceReference.Hostile(250, seed: 5));
        texts.Add(string.Concat(HuggingFaceReference.Prose(200_000))[..20_000]);
        return texts;
    });

    private static JsonObject Mistral() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(HuggingFaceReference.ModelFolder("llama2"), "tokenizer.json")))!.AsObject();

    private static JsonNode Node(string json) => JsonNode.Parse(json)!;

    public static readonly TheoryData<string, string, string> Variants = new()
    {
        // name, JSON path to replace ("normalizer", "pre_tokenizer", "model.<option>", "added_tokens+"), JSON value
        { "Metaspace first", "pre_tokenizer", """{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":false}""" },
        { "Metaspace always split", "pre_tokenizer", """{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""" },
        { "Metaspace never split", "pre_tokenizer", """{"type":"Metaspace","replacement":"▁","prepend_scheme":"never","split":true}""" },
        { "Metaspace legacy add_prefix_space", "pre_tokenizer", """{"type":"Metaspace","replacement":"▁","add_prefix_space":true}""" },
        { "Split regex Isolated", "pre_tokenizer", """{"type":"Split","pattern":{"Regex":"\\p{N}{1,3}|[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)"},"behavior":"Isolated","invert":false}""" },
        { "Split regex Removed invert", "pre_tokenizer", """{"type":"Split","pattern":{"Regex":"\\p{L}+"},"behavior":"Removed","invert":true}""" },
        { "Split regex MergedWithPrevious", "pre_tokenizer", """{"type":"Split","pattern":{"Regex":"[.,!?;:]"},"behavior":"MergedWithPrevious","invert":false}""" },
        { "Split string MergedWithNext", "pre_tokenizer", """{"type":"Split","pattern":{"String":"▁"},"behavior":"MergedWithNext","invert":false}""" },
        { "Split regex Contiguous", "pre_tokenizer", """{"type":"Split","pattern":{"Regex":"\\d"},"behavior":"Contiguous","invert":false}""" },
        { "Split case-insensitive group", "pre_tokenizer", """{"type":"Split","pattern":{"Regex":"(?i:'s|'t|'re|'ve|'m|'ll|'d)|\\w+|\\W"},"behavior":"Isolated","invert":false}""" },
        { "Whitespace", "pre_tokenizer", """{"type":"Whitespace"}""" },
        { "WhitespaceSplit", "pre_tokenizer", """{"type":"WhitespaceSplit"}""" },
        { "BertPreTokenizer", "pre_tokenizer", """{"type":"BertPreTokenizer"}""" },
        { "Punctuation Contiguous", "pre_tokenizer", """{"type":"Punctuation","behavior":"Contiguous"}""" },
        { "Digits individual", "pre_tokenizer", """{"type":"Digits","individual_digits":true}""" },
        { "Digits grouped", "pre_tokenizer", """{"type":"Digits","individual_digits":false}""" },
        { "CharDelimiterSplit", "pre_tokenizer", """{"type":"CharDelimiterSplit","delimiter":"▁"}""" },
        { "ByteLevel-free Sequence", "pre_tokenizer", """{"type":"Sequence","pretokenizers":[{"type":"WhitespaceSplit"},{"type":"Digits","individual_digits":true},{"type":"Punctuation","behavior":"Isolated"}]}""" },
        { "NFKC + Prepend + Replace", "normalizer", """{"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Prepend","prepend":"▁"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]}""" },
        { "NFD StripAccents Lowercase", "normalizer", """{"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"StripAccents"},{"type":"Lowercase"},{"type":"Replace","pattern":{"String":" "},"content":"▁"}]}""" },
        { "NFKD Strip Replace regex", "normalizer", """{"type":"Sequence","normalizers":[{"type":"NFKD"},{"type":"Strip","strip_left":true,"strip_right":true},{"type":"Replace","pattern":{"Regex":"\\s+"},"content":"▁"}]}""" },
        { "BertNormalizer", "normalizer", """{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}""" },
        { "no byte_fallback, unk not fused", "model", """{"byte_fallback":false,"fuse_unk":false}""" },
        { "no byte_fallback, unk fused", "model", """{"byte_fallback":false,"fuse_unk":true}""" },
        { "ignore_merges", "model", """{"ignore_merges":true}""" },
        { "added tokens lstrip rstrip single_word normalized", "added_tokens+", """[ {"id":-1,"content":"▁","single_word":false,"lstrip":false,"rstrip":false,"normalized":true,"special":false}, {"id":-1,"content":"Hello","single_word":true,"lstrip":false,"rstrip":false,"normalized":false,"special":false}, {"id":-1,"content":".","single_word":false,"lstrip":true,"rstrip":true,"normalized":false,"special":false}, {"id":-1,"content":"!","single_word":false,"lstrip":true,"rstrip":false,"normalized":false,"special":true}, {"id":-1,"content":"?","single_word":false,"lstrip":false,"rstrip":true,"normalized":true,"special":false}, {"id":-1,"content":"▁<","single_word":false,"lstrip":false,"rstrip":false,"normalized":true,"special":false} ]""" },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Encode_MistralWithComponent_SameIdsAsRustTokenizers(string name, string where, string json)
    {
        var root = Mistral();
        var value = Node(json);
        switch (where)
        {
            case "model":
                foreach (var (key, v) in value.AsObject())
                {
                    root["model"]![key] = v?.DeepClone();
                }
                break;
            case "added_tokens+":
                foreach (var token in value.AsArray())
                {
                    // ids are the model's own (Hugging Face warns about, and this project refuses, any other)
                    var copy = token!.DeepClone();
                    copy["id"] = root["model"]!["vocab"]![copy["content"]!.GetValue<string>()]!.GetValue<int>();
                    root["added_tokens"]!.AsArray().Add(copy);
                }
                break;
            default:
                root[where] = value;
                if (where == "pre_tokenizer")
                {
                    root["normalizer"] = Node("""{"type":"Replace","pattern":{"String":" "},"content":"▁"}""");
                }
                break;
        }
        AssertSameAsRust(name, root);
    }

    [Fact]
    public void Encode_WordPieceBert_SameIdsAsRustTokenizers()
    {
        var mistral = Mistral();
        var vocab = new JsonObject { ["[PAD]"] = 0, ["[UNK]"] = 1, ["[CLS]"] = 2, ["[SEP]"] = 3, ["[MASK]"] = 4 };
        int next = 5;
        foreach (var (token, _) in mistral["model"]!["vocab"]!.AsObject())
        {
            if (token.StartsWith('<'))
            {
                continue;
            }
            string piece = token.StartsWith('▁') ? token[1..] : "##" + token;
            if (piece.Length > 0 && piece != "##" && !vocab.ContainsKey(piece))
            {
                vocab[piece] = next++;
            }
        }
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = Node("""[{"id":0,"content":"[PAD]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}, {"id":1,"content":"[UNK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}, {"id":2,"content":"[CLS]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}, {"id":3,"content":"[SEP]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}, {"id":4,"content":"[MASK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}]"""),
            ["normalizer"] = Node("""{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}"""),
            ["pre_tokenizer"] = Node("""{"type":"BertPreTokenizer"}"""),
            ["post_processor"] = Node("""{"type":"BertProcessing","sep":["[SEP]",3],"cls":["[CLS]",2]}"""),
            ["decoder"] = Node("""{"type":"WordPiece","prefix":"##","cleanup":true}"""),
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = "[UNK]",
                ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocab,
            },
        };
        var tokenizer = AssertSameAsRust("WordPiece", root);
        Assert.Equal("hf-wordpiece", tokenizer.Info.Kind);
        Assert.Equal([2], tokenizer.SpecialPrefixIds);
    }

    private static JsonObject SentencePieceUnigram() => JsonNode.Parse(File.ReadAllText(Path.Combine(HuggingFaceReference.RepoRoot(),
        "tests", "InvarLock.Models.Tests", "Tokenizers", "Reference", "unigram-spm.tokenizer.json")))!.AsObject();

    [Fact]
    public void Encode_UnigramFromSpmTrainLlamaStyle_SameIdsAsRustTokenizers()
    {
        // Reference/unigram-spm.tokenizer.json: spm_train unigram with byte fallback (tests/tools/make-unigram-reference.sh);
        // no pre-tokenizer, so Viterbi runs over whole texts (20k chars of prose in one piece).
        var tokenizer = AssertSameAsRust("Unigram (Prepend + Replace)", SentencePieceUnigram());
        Assert.Equal("hf-unigram", tokenizer.Info.Kind);
        Assert.Equal([1], tokenizer.SpecialPrefixIds);
        Assert.Equal(1, tokenizer.Info.BosTokenId);
    }

    [Fact]
    public void Encode_UnigramMetaspaceNoByteFallback_SameIdsAsRustTokenizers()
    {
        // Unknown characters become <unk>, consecutive ones fused into one, as Hugging Face's Unigram always does.
        var root = SentencePieceUnigram();
        root["normalizer"] = null;
        root["pre_tokenizer"] = Node("""{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""");
        root["model"]!["byte_fallback"] = false;
        AssertSameAsRust("Unigram (Metaspace, no byte fallback)", root);
    }

    [Fact]
    public void Encode_UnigramRobertaProcessing_SameIdsAndClsAsBos()
    {
        var root = SentencePieceUnigram();
        root["post_processor"] = Node("""{"type":"RobertaProcessing","sep":["</s>",2],"cls":["<s>",1],"trim_offsets":true,"add_prefix_space":false}""");
        var tokenizer = AssertSameAsRust("Unigram (RobertaProcessing)", root);
        Assert.Equal([1], tokenizer.SpecialPrefixIds);
        Assert.Equal("post_processor RobertaProcessing", tokenizer.BosRule);
    }

    [Fact]
    public void Encode_WordLevel_SameIdsAsRustTokenizers()
    {
        var mistral = Mistral();
        var vocab = new JsonObject { ["<unk>"] = 0 };
        int next = 1;
        foreach (var (token, _) in mistral["model"]!["vocab"]!.AsObject())
        {
            if (token.StartsWith('▁') && token.Length > 1 && !vocab.ContainsKey(token[1..]))
            {
                vocab[token[1..]] = next++;
            }
        }
        var root = new JsonObject
        {
            ["added_tokens"] = new JsonArray(),
            ["normalizer"] = Node("""{"type":"Lowercase"}"""),
            ["pre_tokenizer"] = Node("""{"type":"Whitespace"}"""),
            ["model"] = new JsonObject { ["type"] = "WordLevel", ["unk_token"] = "<unk>", ["vocab"] = vocab },
        };
        AssertSameAsRust("WordLevel", root);
    }

    private static HuggingFaceTokenizer AssertSameAsRust(string name, JsonObject root) =>
        HuggingFaceReference.AssertSameAsRust(name, root, Texts.Value);
}
