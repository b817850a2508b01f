using InvarLock.Models.Tokenizers;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary>The Unigram model's Viterbi, tie-breaking, unknown fusion and byte fallback on a hand-made vocabulary
/// (parity with Hugging Face on a trained model is in <see cref="HuggingFaceComponentParityTests"/>).</summary>
public sealed class UnigramModelTests
{
    private static HuggingFaceTokenizer Load(TokenizerTestFolder folder, double abScore, bool byteFallback, string unkId = "0")
    {
        string fallback = byteFallback ? "true" : "false";
        folder.Write("tokenizer.json", $$"""
            {"model": {"type": "Unigram", "unk_id": {{unkId}}, "byte_fallback": {{fallback}},
              "vocab": [["<unk>", 0.0], ["a", -1.0], ["b", -1.0], ["ab", {{abScore.ToString(System.Globalization.CultureInfo.InvariantCulture)}}], ["<0xC3>", -5.0], ["<0xA9>", -5.0]] } }
            """);
        return TokenizerLoader.LoadDetailed(folder.Path);
    }

    [Theory]
    [InlineData(-1.5, new[] { 3 })]
    [InlineData(-2.5, new[] { 1, 2 })]
    [InlineData(-2.0, new[] { 3 })]
    public void Encode_TwoSegmentations_TakesTheHigherScoreAndOnTiesTheEarlierLongerEntry(double abScore, int[] expected)
    {
        // -2.0 ties "ab" with "a"+"b"; Hugging Face keeps the first path to reach the end (from start 0), so "ab".
        using var folder = new TokenizerTestFolder();
        Assert.Equal(expected, Load(folder, abScore, byteFallback: false).Encode("ab"));
    }

    [Fact]
    public void Encode_UnknownCharacterWithByteFallback_BecomesItsUtf8Bytes()
    {
        using var folder = new TokenizerTestFolder();
        var tokens = Load(folder, -1.5, byteFallback: true).EncodeDetailed("abé");
        Assert.Equal([3, 4, 5], tokens.Select(t => t.Id));
        Assert.Equal((2, 3), (tokens[1].Start, tokens[1].End));
    }

    [Fact]
    public void Encode_UnknownRunWithoutByteFallback_FusesIntoOneUnk()
    {
        using var folder = new TokenizerTestFolder();
        Assert.Equal([1, 0, 2], Load(folder, -1.5, byteFallback: false).Encode("aé😀xb"));
    }

    [Fact]
    public void Encode_ByteFallbackWithMissingByteToken_FallsBackToUnk()
    {
        // "x" is 0x78, which has no <0x78> entry: the whole unknown stretch is <unk>.
        using var folder = new TokenizerTestFolder();
        Assert.Equal([0], Load(folder, -1.5, byteFallback: true).Encode("xé"));
    }

    [Fact]
    public void Encode_NoUnkIdAndUnknownCharacter_MalformedTokenizer()
    {
        using var folder = new TokenizerTestFolder();
        var tokenizer = Load(folder, -1.5, byteFallback: false, unkId: "null");
        var ex = Assert.Throws<InvarLockException>(() => tokenizer.Encode("x"));
        Assert.Equal(ErrorCodes.MalformedTokenizer, ex.Code);
    }

    [Theory]
    [InlineData("""{"model": {"type": "Unigram", "unk_id": 9, "vocab": [["a", 0.0]]}}""", "unk_id 9 is outside")]
    [InlineData("""{"model": {"type": "Unigram", "vocab": [["a", 0.0], ["a", -1.0]]}}""", "lists 'a' twice")]
    [InlineData("""{"model": {"type": "Unigram", "vocab": [["a", "high"]]}}""", "model.vocab[0] is not [token, finite score]")]
    [InlineData("""{"model": {"type": "Unigram", "vocab": []}}""", "model.vocab is empty")]
    public void Load_HostileUnigram_MalformedTokenizer(string json, string fragment)
    {
        using var folder = new TokenizerTestFolder();
        folder.Write("tokenizer.json", json);
        var ex = Assert.Throws<InvarLockException>(() => TokenizerLoader.LoadDetailed(folder.Path));
        Assert.Equal(ErrorCodes.MalformedTokenizer, ex.Code);
        Assert.Contains(fragment, ex.Message);
    }
}
