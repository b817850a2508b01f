using InvarLock.Models.Tokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

public sealed class Gpt2PreTokenizerTests
{
    private static string[] Split(string text)
    {
        var parts = new List<string>();
        int position = 0;
        while (position < text.Length)
        {
            int length = Gpt2PreTokenizer.NextTokenLength(text, position);
            Assert.True(length > 0);
            parts.Add(text.Substring(position, length));
            position += length;
        }
        return [.. parts];
    }

    [Theory]
    [InlineData("Hello world", new[] { "Hello", " world" })]
    [InlineData("I'm don't we're", new[] { "I", "'m", " don", "'t", " we", "'re" })]
    [InlineData("IT'S", new[] { "IT", "'", "S" })]
    [InlineData("a  b", new[] { "a", " ", " b" })]
    [InlineData("a \n b", new[] { "a", " \n", " b" })]
    [InlineData("a\n\nb", new[] { "a", "\n", "\n", "b" })]
    [InlineData("a\n\n\nb", new[] { "a", "\n\n", "\n", "b" })]
    [InlineData("a   ", new[] { "a", "   " })]
    [InlineData("x 123abc", new[] { "x", " 123", "abc" })]
    [InlineData("?!'s", new[] { "?!'", "s" })]
    [InlineData(" 's", new[] { " '", "s" })]
    [InlineData("e\u0301t\u00e9", new[] { "e", "\u0301", "t\u00e9" })]
    public void NextTokenLength_Examples_SplitLikeGpt2Pattern(string text, string[] expected)
    {
        Assert.Equal(expected, Split(text));
    }

    [Fact]
    public void NextTokenLength_AstralLetters_StayOneLetterRun()
    {
        // U+1D400 (bold A) and U+20000 (CJK ext B) are letters outside the BMP, stored as surrogate pairs.
        Assert.Equal(["a𝐀𝐁", " 𠀀b"], Split("a𝐀𝐁 𠀀b"));
        Assert.Equal(["x", " 𝟏𝟐"], Split("x 𝟏𝟐"));
    }

    [Fact]
    public void NextTokenLength_EmojiAndZwj_AreOneOtherRun()
    {
        Assert.Equal(["hi", " 👨‍👩‍👧!"], Split("hi 👨‍👩‍👧!"));
    }

    [Fact]
    public void NextTokenLength_NextLineAndBom_FollowPythonRegexWhitespace()
    {
        // Python's regex module (encoder.py) treats U+0085 as \s and U+FEFF as not; JavaScript's \s is the reverse.
        Assert.Equal(["a", "\u0085", "b"], Split("a\u0085b"));
        Assert.Equal(["a", "\uFEFF", "b"], Split("a\uFEFFb"));
        Assert.Equal(["a", "\u00a0", "b"], Split("a\u00a0b"));
    }

    [Fact]
    public void NextTokenLength_LoneSurrogate_IsOther()
    {
        Assert.Equal(["a", "\uD800", "b"], Split("a\uD800b"));
    }
}
