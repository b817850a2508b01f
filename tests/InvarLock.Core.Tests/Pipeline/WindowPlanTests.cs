using InvarLock.Core.Pipeline;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Pipeline;

public sealed class WindowPlanTests
{
    private static int[] Stream(int n)
    {
        var s = new int[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = i;
        }
        return s;
    }

    private static WindowLoss[] Losses(params double[] perToken) => perToken.Select(l => new WindowLoss(l * 9, 9)).ToArray();

    [Fact]
    public void SelectionCreate_LongStream_SpreadsWindowsOverTheWholeStream()
    {
        // 1000 tokens fit 100 windows of 10; 4 + 4 are taken at ⌊(2k+1)·100/16⌋, not the first 8.
        WindowSelection selection = WindowSelection.Create(Stream(1000), 10, 10, 4, 4, "test");
        Assert.Equal([6, 18, 31, 43, 56, 68, 81, 93], selection.Windows.Select(w => w.Id));
        Assert.Equal(930, selection.Windows[^1].StartToken);
        Assert.Equal(939, selection.Windows[^1].Tokens[^1]);
    }

    [Fact]
    public void SelectionCreate_WithBos_EveryWindowIsBosThenSequenceLengthMinusOneStreamTokens()
    {
        WindowSelection selection = WindowSelection.Create(Stream(80), 10, 10, 4, 4, "test", bosTokenId: 7777);
        Assert.Equal(7777, selection.BosTokenId);
        Assert.Equal(9, selection.TextTokens);
        foreach (EvaluationWindow w in selection.Windows)
        {
            Assert.Equal(10, w.Tokens.Length);
            Assert.Equal(7777, w.Tokens[0]);
            Assert.Equal(Enumerable.Range((int)w.StartToken, 9), w.Tokens[1..]);
            Assert.Equal(w.Id * 10L, w.StartToken);
        }
    }

    [Fact]
    public void SelectionCreate_WithBos_FitsWindowsOnTheShorterTextPart()
    {
        // 27 tokens, stride 9: windows of 10 stream tokens fit (27-10)/9+1 = 2; BOS + 9 stream tokens fit (27-9)/9+1 = 3.
        Assert.Throws<InvarLockException>(() => WindowSelection.Create(Stream(27), 10, 9, 2, 1, "t"));
        WindowSelection selection = WindowSelection.Create(Stream(27), 10, 9, 2, 1, "t", bosTokenId: 0);
        Assert.Equal([0, 1, 2], selection.Windows.Select(w => w.Id));
        Assert.Equal(26, selection.Windows[^1].Tokens[^1]);
    }

    [Fact]
    public void SelectionCreate_WithoutBos_WindowsAreStreamTokensOnly()
    {
        WindowSelection selection = WindowSelection.Create(Stream(80), 10, 10, 4, 4, "test");
        Assert.Null(selection.BosTokenId);
        Assert.Equal(Enumerable.Range(0, 10), selection.Windows[0].Tokens);
    }

    [Fact]
    public void SelectionCreate_ExactFit_TakesEveryWindow()
    {
        WindowSelection selection = WindowSelection.Create(Stream(80), 10, 10, 4, 4, "test");
        Assert.Equal(Enumerable.Range(0, 8), selection.Windows.Select(w => w.Id));
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(101, 8)]
    [InlineData(400, 400)]
    [InlineData(91_136 / 128, 400)]
    public void SpreadIds_AnyCapacity_AreDistinctAscendingAndInRange(long fit, int total)
    {
        int[] ids = WindowSelection.SpreadIds(fit, total);
        Assert.Equal(total, ids.Length);
        for (int i = 1; i < ids.Length; i++)
        {
            Assert.True(ids[i] > ids[i - 1]);
        }
        Assert.InRange(ids[0], 0, fit - 1);
        Assert.InRange(ids[^1], 0, fit - 1);
    }

    [Fact]
    public void SelectionCreate_Stride_OverlapsFittedWindows()
    {
        WindowSelection selection = WindowSelection.Create(Stream(100), 10, 5, 2, 2, "test");
        Assert.Equal(selection.Windows[0].Id * 5, selection.Windows[0].StartToken);
        WindowPlan plan = WindowPlan.Create(selection, Losses(1, 2, 3, 4));
        Assert.Equal(0.5, plan.OverlapFraction);
    }

    [Fact]
    public void SelectionCreate_TooFewTokens_ThrowsSayingHowManyFit()
    {
        var ex = Assert.Throws<InvarLockException>(() => WindowSelection.Create(Stream(35), 10, 10, 2, 2, "/data/short.txt"));
        Assert.Equal(ErrorCodes.DatasetError, ex.Code);
        Assert.Contains("/data/short.txt", ex.Message);
        Assert.Contains("fit 3 windows", ex.Message);
        Assert.Contains("needs 4", ex.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 11)]
    [InlineData(10, 0)]
    public void SelectionCreate_BadSeqLenOrStride_ThrowsUsage(int seqLen, int stride)
    {
        var ex = Assert.Throws<InvarLockException>(() => WindowSelection.Create(Stream(100), seqLen, stride, 1, 1, "t"));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
    }

    [Fact]
    public void Assign_SortedLosses_BalancesTheArmsExactly()
    {
        // 1..8: pair deal gives preview {1,4,5,8}, final {2,3,6,7}: both sum to 18.
        bool[] preview = ArmBalancer.Assign([0, 1, 2, 3, 4, 5, 6, 7], Losses(1, 2, 3, 4, 5, 6, 7, 8), 4);
        Assert.Equal([true, false, false, true, true, false, false, true], preview);
    }

    [Fact]
    public void Assign_HeadHeavyText_SwapsUntilTheArmsAgree()
    {
        // The easy text is all at the head: consecutive alternation (the old plan) gives means 2.0 vs 3.75.
        double[] perToken = [1.0, 1.0, 1.0, 1.0, 4.0, 5.0, 4.5, 4.5];
        bool[] preview = ArmBalancer.Assign([0, 1, 2, 3, 4, 5, 6, 7], Losses(perToken), 4);
        Assert.Equal(4, preview.Count(p => p));
        double meanP = perToken.Where((_, i) => preview[i]).Average();
        double meanF = perToken.Where((_, i) => !preview[i]).Average();
        Assert.Equal(meanP, meanF, 12);
    }

    [Fact]
    public void Assign_UnequalArms_HonoursTheCounts()
    {
        bool[] preview = ArmBalancer.Assign([0, 1, 2, 3, 4], Losses(3, 1, 2, 5, 4), 2);
        Assert.Equal(2, preview.Count(p => p));
        double meanP = new[] { 3.0, 1, 2, 5, 4 }.Where((_, i) => preview[i]).Average();
        Assert.Equal(3.0, meanP, 12);
    }

    [Fact]
    public void Assign_NonFiniteLoss_Throws()
    {
        Assert.Throws<ArgumentException>(() => ArmBalancer.Assign([0, 1], [new WindowLoss(double.NaN, 9), new WindowLoss(1, 9)], 1));
    }

    [Fact]
    public void PlanCreate_SplitsInStreamOrderByArm()
    {
        WindowSelection selection = WindowSelection.Create(Stream(80), 10, 10, 4, 4, "test");
        WindowLoss[] losses = Losses(1, 2, 3, 4, 5, 6, 7, 8);
        WindowPlan plan = WindowPlan.Create(selection, losses);
        Assert.Equal([0, 3, 4, 7], plan.Preview.Select(w => w.Id));
        Assert.Equal([1, 2, 5, 6], plan.Final.Select(w => w.Id));
        var (p, f) = plan.Split(losses);
        Assert.Equal([9.0, 36, 45, 72], p.Select(l => l.LossSum));
        Assert.Equal([18.0, 27, 54, 63], f.Select(l => l.LossSum));
    }
}
