using InvarLock.Models.Tokenizers;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>Whether windows start with BOS (<see cref="HuggingFaceTokenizer.BosRule"/>): <c>tokenizer_config.json</c>
/// <c>add_bos_token</c> first, then the post-processor's single-sequence template, else none; the rule is part of the
/// tokenizer digest, so two models that differ only in it do not pair.</summary>
public sealed class BosRuleTests
{
    private const string Added = """
        "added_tokens": [
          {"id": 0, "content": "<unk>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true},
          {"id": 1, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}
        ],
        """;

    private const string Model = """
        "pre_tokenizer": {"type": "WhitespaceSplit"},
        "model": {"type": "WordLevel", "vocab": {"<unk>": 0, "hello": 2}, "unk_token": "<unk>"}
        """;

    private const string Template = """
        "post_processor": {"type": "TemplateProcessing",
          "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
          "pair": [{"Sequence": {"id": "A", "type_id": 0}}],
          "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
        """;

    private static HuggingFaceTokenizer Load(TokenizerTestFolder folder, string body, string? config)
    {
        folder.Write("tokenizer.json", "{" + Added + body + Model + "}");
        if (config is not null)
        {
            folder.Write("tokenizer_config.json", config);
        }
        return TokenizerLoader.LoadDetailed(folder.Path);
    }

    [Fact]
    public void Load_NoConfigNoTemplate_NoBos()
    {
        using var folder = new TokenizerTestFolder();
        HuggingFaceTokenizer tokenizer = Load(folder, "", null);
        Assert.False(tokenizer.Info.AddBosToken);
        Assert.Empty(tokenizer.SpecialPrefixIds);
        Assert.Equal("none", tokenizer.BosRule);
    }

    [Fact]
    public void Load_TemplateWithLeadingSpecial_BosFromPostProcessor()
    {
        using var folder = new TokenizerTestFolder();
        HuggingFaceTokenizer tokenizer = Load(folder, Template, null);
        Assert.True(tokenizer.Info.AddBosToken);
        Assert.Equal(1, tokenizer.Info.BosTokenId);
        Assert.Equal("post_processor TemplateProcessing", tokenizer.BosRule);
    }

    [Fact]
    public void Load_ConfigAddBosFalse_OverridesTheTemplate()
    {
        using var folder = new TokenizerTestFolder();
        HuggingFaceTokenizer tokenizer = Load(folder, Template, """{"add_bos_token": false, "bos_token": "<s>"}""");
        Assert.False(tokenizer.Info.AddBosToken);
        Assert.Equal("tokenizer_config.json add_bos_token", tokenizer.BosRule);
    }

    [Fact]
    public void Load_ConfigAddBosTrue_BosIsTheConfiguredToken()
    {
        using var folder = new TokenizerTestFolder();
        HuggingFaceTokenizer tokenizer = Load(folder, "", """{"add_bos_token": true, "bos_token": {"content": "<s>", "special": true}}""");
        Assert.True(tokenizer.Info.AddBosToken);
        Assert.Equal(1, tokenizer.Info.BosTokenId);
    }

    [Fact]
    public void Load_ConfigAddBosTrueWithUnknownToken_MalformedTokenizer()
    {
        using var folder = new TokenizerTestFolder();
        var ex = Assert.Throws<InvarLockException>(() => Load(folder, "", """{"add_bos_token": true, "bos_token": "<bos>"}"""));
        Assert.Equal(ErrorCodes.MalformedTokenizer, ex.Code);
        Assert.Contains("bos_token '<bos>' is not in", ex.Message);
    }

    [Fact]
    public void Load_SameFilesDifferentBosRule_DifferentDigests()
    {
        using var with = new TokenizerTestFolder();
        using var without = new TokenizerTestFolder();
        string a = Load(with, "", """{"add_bos_token": true, "bos_token": "<s>"}""").Info.Sha256;
        string b = Load(without, "", """{"add_bos_token": false}""").Info.Sha256;
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Encode_SpecialTokenTextInInput_IsNotMatchedAndNoBosIsAdded()
    {
        using var folder = new TokenizerTestFolder();
        HuggingFaceTokenizer tokenizer = Load(folder, Template, null);
        Assert.Equal([0, 2], tokenizer.Encode("<s> hello"));
        Assert.Equal([1, 2], tokenizer.EncodeDetailed("<s> hello", matchSpecialTokens: true).Select(t => t.Id));
    }
}
