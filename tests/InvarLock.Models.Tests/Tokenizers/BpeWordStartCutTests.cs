using System.Text.Json.Nodes;
using InvarLock.Models.Tokenizers;
using InvarLock.Models.Tokenizers.Models;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>The SentencePiece cut of <see cref="BpeModel"/> (long pieces tokenized word by word): taken only when no
/// vocabulary token can span a word start, and giving the ids of one queue over the whole piece.</summary>
public sealed class BpeWordStartCutTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "invarlock-bpecut-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static JsonObject Mistral() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(HuggingFaceReference.ModelFolder("llama2"), "tokenizer.json")))!.AsObject();

    private string Write(string name, JsonObject root)
    {
        string folder = Path.Combine(_folder, name);
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "tokenizer.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    private static bool Cuts(string path) => ((BpeModel)TokenizerJsonReader.Read(path).Model).CutsBeforeWordStarts;

    [Fact]
    public void Read_MistralVocabulary_CutsBeforeWordStarts() =>
        Assert.True(Cuts(Path.Combine(HuggingFaceReference.ModelFolder("llama2"), "tokenizer.json")));

    [Theory]
    [InlineData("token")]
    [InlineData("ignore_merges")]
    [InlineData("suffix")]
    public void Read_VocabularyOrOptionThatCanSpanAWordStart_DoesNotCut(string what)
    {
        var root = Mistral();
        var model = root["model"]!.AsObject();
        switch (what)
        {
            case "token":
                model["vocab"]!.AsObject()["x\u2581"] = 32_000; // an unused token holding "x▁": a merge could make it
                break;
            case "ignore_merges":
                model["ignore_merges"] = true;
                break;
            default:
                model["end_of_word_suffix"] = "</w>";
                break;
        }
        Assert.False(Cuts(Write(what, root)));
    }

    [Fact]
    public void Encode_LongProse_SameIdsCutAndWhole()
    {
        var root = Mistral();
        root["model"]!["vocab"]!.AsObject()["x\u2581"] = 32_000;
        string whole = Write("whole", root);
        Assert.False(Cuts(whole));
        var cutTokenizer = HuggingFaceTokenizer.FromTokenizerJson(Path.Combine(HuggingFaceReference.ModelFolder("llama2"), "tokenizer.json"));
        var wholeTokenizer = HuggingFaceTokenizer.FromTokenizerJson(whole);
        var texts = new List<string> { string.Concat(HuggingFaceReference.Prose(200_000))[..60_000] };
        texts.Add(string.Concat(HuggingFaceReference.Hostile(400, seed: 17)));
        texts.Add(new string(' ', 700) + "x  y" + new string('\u2581', 300) + "z");
        foreach (string text in texts)
        {
            Assert.True(text.Length > BpeModel.MaxCachedPieceLength);
            Assert.Equal(wholeTokenizer.Encode(text), cutTokenizer.Encode(text));
        }
    }
}
