using InvarLock.Models.Tokenizers.PreTokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

/// <summary><see cref="LlamaSplitPattern"/> against <see cref="RegexPattern"/> on the same pattern: the scanner must
/// give exactly the regex's matches, on hostile strings, edge cases of the whitespace alternatives and prose.</summary>
public sealed class LlamaSplitPatternTests
{
    public static readonly TheoryData<string> Patterns = new() { LlamaSplitPattern.Llama3Regex, LlamaSplitPattern.Qwen2Regex };

    private static readonly string[] EdgeCases =
    [
        "", " ", "  ", "\n", "\r\n", " \n ", "a  b", "a   \n\n  b", "x \t\n \r\n\t y", "   ", "\t\tx", " \n", "\n\n\nx",
        "'s'S'ſ'K'RE'Ll'vE'd'M'x'", "it's", "don'T", "'", "''s", "'\n", "12345678", " 1234", "a1234b", "٣٤٥٦٧",
        "...\n\n", " ...\r\n\r\nx", "!!!abc", " !!!abc", "\r\nabc", "\u00A0abc", "\u3000\u3000x", "\u0085x",
        "x\u2028y", "𝐀𝐁 𝟏𝟐𝟑𝟒 😀😀 a😀b", "\U0001F9D1\u200D\U0001F4BB", "e\u0301 o\u0302", "$100", "(foo) [bar]",
    ];

    [Theory]
    [MemberData(nameof(Patterns))]
    public void TryCreate_ExactPattern_ReturnsScanner(string pattern) =>
        Assert.Equal(pattern, LlamaSplitPattern.TryCreate(pattern)?.Pattern);

    [Fact]
    public void TryCreate_AnyOtherPattern_ReturnsNull()
    {
        Assert.Null(LlamaSplitPattern.TryCreate(LlamaSplitPattern.Llama3Regex.Replace("{1,3}", "{1,2}", StringComparison.Ordinal)));
        Assert.Null(LlamaSplitPattern.TryCreate(LlamaSplitPattern.Llama3Regex + " "));
        Assert.Null(LlamaSplitPattern.TryCreate(@"\s+"));
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Matches_EdgeCasesAndHostileStrings_SameAsRegex(string pattern)
    {
        var texts = new List<string>(EdgeCases);
        texts.AddRange(TokenizerTestData.VariedTexts);
        texts.AddRange(Gpt2ReferenceParityTests.Texts);
        texts.AddRange(HuggingFaceReference.Hostile(3000, seed: 29));
        AssertSameAsRegex(pattern, texts);
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Matches_DebianProse_SameAsRegex(string pattern) => AssertSameAsRegex(pattern, HuggingFaceReference.Prose(600_000));

    private static void AssertSameAsRegex(string pattern, IReadOnlyList<string> texts)
    {
        var scanner = LlamaSplitPattern.TryCreate(pattern)!;
        var regex = new RegexPattern(pattern, "test");
        var expected = new List<(int Start, int End)>();
        var actual = new List<(int Start, int End)>();
        foreach (string text in texts)
        {
            expected.Clear();
            actual.Clear();
            regex.Matches(text, expected);
            scanner.Matches(text, actual);
            if (!expected.SequenceEqual(actual))
            {
                int at = 0;
                while (at < expected.Count && at < actual.Count && expected[at] == actual[at])
                {
                    at++;
                }
                int from = at < expected.Count ? expected[at].Start : text.Length;
                string shown = System.Text.Json.JsonSerializer.Serialize(text[Math.Max(0, from - 20)..Math.Min(text.Length, from + 40)]);
                Assert.Fail($"matches differ at {at} near {shown}: regex {(at < expected.Count ? expected[at].ToString() : "end")}, " +
                    $"scanner {(at < actual.Count ? actual[at].ToString() : "end")}");
            }
        }
    }
}
