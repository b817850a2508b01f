using InvarLock.Core.Statistics;

namespace InvarLock.Core.Tests.Statistics;

public sealed class WindowPairingTests
{
    private static WindowPairing Pairing(int expected = 4, int matched = 4, int[]? missing = null, int[]? unexpected = null,
        int[]? duplicates = null, int[]? mismatched = null) =>
        new(expected, matched, missing ?? [], unexpected ?? [], duplicates ?? [], mismatched ?? []);

    [Fact]
    public void MatchFraction_NothingExpectedOrUnexpected_One()
    {
        Assert.Equal(1.0, Pairing(0, 0).MatchFraction);
    }

    [Fact]
    public void MatchFraction_UnexpectedOnly_Zero()
    {
        Assert.Equal(0.0, Pairing(0, 0, unexpected: [3]).MatchFraction);
    }

    [Fact]
    public void MatchFraction_UnexpectedCountInDenominator()
    {
        Assert.Equal(3.0 / 6.0, Pairing(4, 3, missing: [1], unexpected: [8, 9]).MatchFraction);
        Assert.Equal(0.75, Pairing(4, 3, missing: [1]).MatchFraction);
    }

    [Fact]
    public void Perfect_NoProblem_TrueAndNoReason()
    {
        WindowPairing p = Pairing();

        Assert.True(p.Perfect);
        Assert.Null(p.Reason("final"));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("unexpected")]
    [InlineData("duplicate")]
    [InlineData("mismatch")]
    public void Perfect_AnyOneProblem_False(string problem)
    {
        int[] one = [1];
        WindowPairing p = problem switch
        {
            "missing" => Pairing(missing: one),
            "unexpected" => Pairing(unexpected: one),
            "duplicate" => Pairing(duplicates: one),
            _ => Pairing(mismatched: one),
        };

        Assert.False(p.Perfect);
        Assert.NotNull(p.Reason("final"));
    }

    [Fact]
    public void Reason_AllProblems_MissingFirstWithFirstThreeIds()
    {
        WindowPairing p = Pairing(missing: [5, 6, 7, 8], unexpected: [9], duplicates: [2], mismatched: [3]);

        Assert.Equal("preview_missing_ids:[5,6,7]", p.Reason("preview"));
    }

    [Fact]
    public void Reason_NoMissing_TokenMismatchBeforeUnexpectedAndDuplicates()
    {
        Assert.Equal("final_token_mismatch:[3,4]", Pairing(unexpected: [9], duplicates: [2], mismatched: [3, 4]).Reason("final"));
    }

    [Fact]
    public void Reason_OnlyUnexpectedAndDuplicates_UnexpectedFirst()
    {
        Assert.Equal("final_unexpected_ids:[9]", Pairing(unexpected: [9], duplicates: [2]).Reason("final"));
    }

    [Fact]
    public void Reason_OnlyDuplicates_DuplicateIds()
    {
        Assert.Equal("final_duplicate_ids:[2,4,6]", Pairing(duplicates: [2, 4, 6, 8]).Reason("final"));
    }
}
