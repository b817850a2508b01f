using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Models.Tokenizers;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.Tokenizers;

public sealed class TokenizerLoaderTests
{
    private static InvarLockException LoadFails(string folder) =>
        Assert.Throws<InvarLockException>(() => TokenizerLoader.Load(folder));

    /// <summary>Writes the small model's tokenizer.json, lets <paramref name="edit"/> change it, and returns the folder's error.</summary>
    private static InvarLockException EditedTokenizerJsonFails(TokenizerTestFolder folder, Action<JsonObject> edit)
    {
        string path = folder.File("tokenizer.json");
        TokenizerTestData.SmallModel.WriteTokenizerJson(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(root);
        File.WriteAllText(path, root.ToJsonString());
        var error = LoadFails(folder.Path);
        Assert.Contains(path, error.Message);
        return error;
    }

    [Fact]
    public void Load_TokenizerJsonAndVocabMerges_SameIdsAndDigest()
    {
        using var folder = new TokenizerTestFolder();
        var model = TokenizerTestData.SmallModel;
        model.WriteVocabJson(folder.File("vocab.json"));
        model.WriteMergesTxt(folder.File("merges.txt"));
        var fromPair = TokenizerLoader.Load(folder.Path);
        model.WriteTokenizerJson(folder.File("tokenizer.json"));
        var fromJson = TokenizerLoader.Load(folder.Path);
        var direct = model.CreateTokenizer();

        Assert.Equal(direct.Info, fromJson.Info);
        Assert.Equal(direct.Info, fromPair.Info);
        foreach (string text in TokenizerTestData.VariedTexts)
        {
            int[] expected = direct.Encode(text);
            Assert.Equal(expected, fromJson.Encode(text));
            Assert.Equal(expected, fromPair.Encode(text));
        }
    }

    [Fact]
    public void Load_MergesAsPairArrays_SameDigestAsStrings()
    {
        using var folder = new TokenizerTestFolder();
        string path = folder.File("tokenizer.json");
        TokenizerTestData.SmallModel.WriteTokenizerJson(path);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var merges = root["model"]!["merges"]!.AsArray();
        var pairs = new JsonArray();
        foreach (var merge in merges)
        {
            string[] parts = merge!.GetValue<string>().Split(' ');
            pairs.Add(new JsonArray(parts[0], parts[1]));
        }
        root["model"]!["merges"] = pairs;
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

        Assert.Equal(TokenizerTestData.SmallModel.CreateTokenizer().Info, TokenizerLoader.Load(folder.Path).Info);
    }

    [Fact]
    public void Load_BothForms_PrefersTokenizerJson()
    {
        using var folder = new TokenizerTestFolder();
        TokenizerTestData.SmallModel.WriteTokenizerJson(folder.File("tokenizer.json"));
        folder.Write("vocab.json", "not json");
        folder.Write("merges.txt", "#version: 0.2\n");
        Assert.Equal(400, TokenizerLoader.Load(folder.Path).Info.VocabSize);
    }

    [Fact]
    public void Load_EmptyFolder_MissingFile()
    {
        using var folder = new TokenizerTestFolder();
        folder.Write("vocab.json", "{}");
        var error = LoadFails(folder.Path);
        Assert.Equal(ErrorCodes.MissingFile, error.Code);
        Assert.Equal($"{folder.Path}: no tokenizer.json or vocab.json+merges.txt", error.Message);
    }

    [Fact]
    public void FromVocabAndMerges_MissingMergesFile_MissingFile()
    {
        using var folder = new TokenizerTestFolder();
        string vocab = folder.Write("vocab.json", "{}");
        var error = Assert.Throws<InvarLockException>(() => Gpt2BpeTokenizer.FromVocabAndMerges(vocab, folder.File("merges.txt")));
        Assert.Equal(ErrorCodes.MissingFile, error.Code);
    }

    [Fact]
    public void Load_TokenizerJsonNotJson_MalformedTokenizer()
    {
        using var folder = new TokenizerTestFolder();
        string path = folder.Write("tokenizer.json", "{ \"model\": ");
        var error = LoadFails(folder.Path);
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
        Assert.StartsWith(path + ":", error.Message);
    }

    [Fact]
    public void Load_WordPieceModel_MalformedTokenizer()
    {
        using var folder = new TokenizerTestFolder();
        var error = EditedTokenizerJsonFails(folder, root => root["model"]!["type"] = "WordPiece");
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
    }

    [Fact]
    public void Load_MergeWithUnknownToken_MalformedTokenizer()
    {
        using var folder = new TokenizerTestFolder();
        var error = EditedTokenizerJsonFails(folder, root => root["model"]!["merges"]!.AsArray().Add("zz\u00f8 q"));
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
        Assert.Contains("zz", error.Message);
    }

    [Fact]
    public void Load_MergeNotTwoParts_MalformedTokenizer()
    {
        using var folder = new TokenizerTestFolder();
        var error = EditedTokenizerJsonFails(folder, root => root["model"]!["merges"]!.AsArray().Add("a b c"));
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
    }

    [Fact]
    public void Load_VocabMissingAByteSymbol_MalformedTokenizer()
    {
        using var folder = new TokenizerTestFolder();
        var error = EditedTokenizerJsonFails(folder, root =>
        {
            var vocab = root["model"]!["vocab"]!.AsObject();
            vocab.Remove("!");
            root["model"]!["merges"] = new JsonArray();
        });
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
        Assert.Contains("byte", error.Message);
    }

    [Fact]
    public void Load_DuplicateId_MalformedTokenizer()
    {
        using var folder = new TokenizerTestFolder();
        var error = EditedTokenizerJsonFails(folder, root => root["model"]!["vocab"]!["extra"] = 0);
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
    }

    [Fact]
    public void Load_MergesTxtBadLine_MalformedTokenizerNamingMergesFile()
    {
        using var folder = new TokenizerTestFolder();
        TokenizerTestData.SmallModel.WriteVocabJson(folder.File("vocab.json"));
        string merges = folder.Write("merges.txt", "#version: 0.2\na b\nonlyone\n");
        var error = LoadFails(folder.Path);
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
        Assert.StartsWith(merges + ": line 3", error.Message);
    }

    [Fact]
    public void Load_VocabJsonNotObject_MalformedTokenizerNamingVocabFile()
    {
        using var folder = new TokenizerTestFolder();
        string vocab = folder.Write("vocab.json", "[1, 2]");
        folder.Write("merges.txt", "#version: 0.2\n");
        var error = LoadFails(folder.Path);
        Assert.Equal(ErrorCodes.MalformedTokenizer, error.Code);
        Assert.StartsWith(vocab + ":", error.Message);
    }

    [Fact]
    public void Load_MergesTxtWithCrLfAndNoVersion_Loads()
    {
        using var folder = new TokenizerTestFolder();
        var model = TokenizerTestData.SmallModel;
        model.WriteVocabJson(folder.File("vocab.json"));
        folder.Write("merges.txt", string.Concat(model.Merges.Select(m => $"{m.Left} {m.Right}\r\n")));
        Assert.Equal(model.CreateTokenizer().Info.Sha256, TokenizerLoader.Load(folder.Path).Info.Sha256);
    }
}
