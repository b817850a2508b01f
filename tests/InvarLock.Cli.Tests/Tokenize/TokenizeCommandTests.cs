using System.Text.Json.Nodes;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Tokenize;

/// <summary><c>invarlock tokenize</c> on small hand-written <c>tokenizer.json</c> files: ids, token strings, offsets, the
/// BOS rule, special tokens left as text, and one-line errors (exit 2) for bad input and hostile files.</summary>
public sealed class TokenizeCommandTests : IDisposable
{
    // A WordLevel model with a whitespace pre-tokenizer: "hello" 3, "world" 4, "<s>" 1 is a special added token.
    private const string WordLevelJson = """
        {
          "version": "1.0",
          "added_tokens": [
            {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
            {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
          ],
          "normalizer": null,
          "pre_tokenizer": {"type": "WhitespaceSplit"},
          "post_processor": null,
          "decoder": null,
          "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "<s>": 1, "<": 2, "hello": 3, "world": 4}, "unk_token": "<unk>"}
        }
        """;

    private readonly TempFolder _temp = new("invarlock-tokenize");

    public void Dispose() => _temp.Dispose();

    private string Model(string tokenizerJson, string? tokenizerConfig = null)
    {
        string folder = _temp.Combine("model-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), tokenizerJson);
        if (tokenizerConfig is not null)
        {
            File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), tokenizerConfig);
        }
        return folder;
    }

    private static void AssertOneLineError(string stderr, string code, string fragment)
    {
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith($"error {code}: ", lines[0]);
        Assert.Contains(fragment, lines[0]);
    }

    [Fact]
    public void Tokenize_Json_GivesIdsTokensAndOffsets()
    {
        string folder = Model(WordLevelJson);

        var (exit, stdout, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text", "hello  world", "--json");

        Assert.True(exit == 0, stderr);
        JsonNode result = JsonNode.Parse(stdout)!["result"]!;
        Assert.Equal("tokenize-v1", (string)result["format"]!);
        Assert.Equal([3, 4], result["ids"]!.AsArray().Select(n => (int)n!));
        Assert.Equal(["hello", "world"], result["tokens"]!.AsArray().Select(n => (string)n!));
        Assert.Equal("[[0,5],[7,12]]", result["offsets"]!.ToJsonString());
        Assert.Equal(2, (int)result["count"]!);
        Assert.False((bool)result["tokenizer"]!["bos_prepended"]!);
    }

    [Fact]
    public void Tokenize_SpecialTokenInText_IsTokenizedAsText()
    {
        // Evaluation text never gets specials: "<s>" in the text is split like any other word (and is unknown here).
        string folder = Model(WordLevelJson);

        var (exit, stdout, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text", "<s>hello", "--json");

        Assert.True(exit == 0, stderr);
        Assert.Equal([0], JsonNode.Parse(stdout)!["result"]!["ids"]!.AsArray().Select(n => (int)n!));
    }

    [Fact]
    public void Tokenize_AddBosTokenInConfig_TextNamesTheBosAndIdsStayTextOnly()
    {
        string folder = Model(WordLevelJson, """{"add_bos_token": true, "bos_token": "<s>"}""");

        var (exit, stdout, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text", "hello");

        Assert.True(exit == 0, stderr);
        Assert.Contains("Windows: each starts with BOS 1 \"<s>\" (tokenizer_config.json add_bos_token)", stdout);
        Assert.Contains("Tokens: 1 ", stdout);
        Assert.Matches(@"\n +0 +3  ""hello"" +0\.\.5  ""hello""\n", stdout);
    }

    [Fact]
    public void Tokenize_TextFile_ReadsTheFile()
    {
        string folder = Model(WordLevelJson);
        string file = _temp.Combine("text.txt");
        File.WriteAllText(file, "world\nhello\n");

        var (exit, stdout, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text-file", file, "--json");

        Assert.True(exit == 0, stderr);
        Assert.Equal([4, 3], JsonNode.Parse(stdout)!["result"]!["ids"]!.AsArray().Select(n => (int)n!));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Tokenize_NeitherOrBothTextOptions_UsageErrorExitTwo(bool both)
    {
        string folder = Model(WordLevelJson);
        string file = _temp.Combine("t.txt");
        File.WriteAllText(file, "hello");
        string[] args = both ? ["tokenize", "--model", folder, "--text", "a", "--text-file", file] : ["tokenize", "--model", folder];

        var (exit, _, stderr) = CliRun.Invoke(args);

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL1001", "exactly one of --text or --text-file");
    }

    [Fact]
    public void Tokenize_MissingModelFolder_MissingFileExitTwo()
    {
        string folder = _temp.Combine("nope");

        var (exit, _, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text", "x");

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL2001", folder);
    }

    [Fact]
    public void Tokenize_MissingTextFile_MissingFileExitTwo()
    {
        string folder = Model(WordLevelJson);
        string file = _temp.Combine("absent.txt");

        var (exit, _, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text-file", file);

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL2001", file);
    }

    [Theory]
    [InlineData("""{"model": {"type": "Telepathy"}}""", "model.type \"Telepathy\" is not one of")]
    [InlineData("""{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}, "pre_tokenizer": {"type": "Mystery"}}""", "is not a supported pre-tokenizer")]
    [InlineData("""{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}, "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(?<"}, "behavior": "Isolated", "invert": false}}""", "is not a regex .NET can run")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a c"]}}""", "merge 1 'a c' references a token that is not in model.vocab")]
    [InlineData("""{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}""", "merge 1 'a b' makes 'ab', which is not in model.vocab")]
    [InlineData("""{"model": {"type": "WordLevel", "vocab": {"a": 2000000000}, "unk_token": "a"}}""", "has no integer id in 0..16777215")]
    [InlineData("""{"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}, "normalizer": {"type": "Sequence", "normalizers": [{"type": "Unheard"}]}}""", "is not a supported normalizer")]
    [InlineData("not json at all", "not valid JSON")]
    public void Tokenize_HostileTokenizerJson_OneLineMalformedTokenizerExitTwo(string tokenizerJson, string fragment)
    {
        string folder = Model(tokenizerJson);

        var (exit, stdout, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text", "hello");

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        AssertOneLineError(stderr, "IL2004", fragment);
        Assert.Contains("tokenizer.json", stderr);
    }

    [Fact]
    public void Tokenize_DeeplyNestedSequence_OneLineMalformedTokenizerExitTwo()
    {
        string nested = "{\"type\": \"WhitespaceSplit\"}";
        for (int i = 0; i < 200; i++)
        {
            nested = "{\"type\": \"Sequence\", \"pretokenizers\": [" + nested + "]}";
        }
        string folder = Model("{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"a\": 0}, \"unk_token\": \"a\"}, \"pre_tokenizer\": " + nested + "}");

        var (exit, _, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text", "a");

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL2004", "tokenizer.json");
    }

    [Fact]
    public void Tokenize_TokenizerJsonOverTheSizeCap_RefusedBeforeReading()
    {
        // A sparse file one byte over the 256 MiB cap: refused on its size, without reading or allocating it.
        string folder = Model("{}");
        using (var stream = new FileStream(Path.Combine(folder, "tokenizer.json"), FileMode.Create))
        {
            stream.SetLength(256L * 1024 * 1024 + 1);
        }

        var (exit, _, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text", "a");

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL2004", "tokenizer.json");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Tokenize_CatastrophicRegex_TimesOutWithOneLineErrorInsteadOfHanging()
    {
        // (a|aa)+$ backtracks exponentially on a long run of a's followed by b; the match time limit (5 s) ends it.
        string folder = Model("""
            {"model": {"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"},
             "pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(a|aa)+$"}, "behavior": "Isolated", "invert": false}}
            """);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (exit, _, stderr) = CliRun.Invoke("tokenize", "--model", folder, "--text", new string('a', 60) + "b");

        Assert.Equal(2, exit);
        AssertOneLineError(stderr, "IL2004", "catastrophic backtracking");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }
}
