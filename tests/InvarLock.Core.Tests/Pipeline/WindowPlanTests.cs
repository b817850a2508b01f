using InvarLock.Core.Pipeline;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Pipeline;

public sealed class WindowPlanTests
{
    private static readonly CharTokenizer Tokenizer = new();

    /// <summary>Text whose difficulty varies along the stream: stretches of one repeated letter (easy) between stretches
    /// of seeded random letters (hard), so a plan that ignored difficulty would leave the arms unbalanced.</summary>
    private static int[] MixedText(int length, int seed = 3)
    {
        var rng = new Random(seed);
        var s = new int[length];
        for (int i = 0; i < length; i++)
        {
            int block = i / 37;
            s[i] = block % 3 == 0 ? 'a' : 'a' + rng.Next(block % 3 == 1 ? 4 : 26);
        }

        return s;
    }

    private static WindowPlan Plan(int[] stream, int seqLen = 10, int stride = 10, int preview = 8, int final = 8) =>
        WindowPlan.Create(stream, Tokenizer, seqLen, stride, preview, final, "test");

    private static IEnumerable<EvaluationWindow> All(WindowPlan plan) => plan.Preview.Concat(plan.Final);

    [Fact]
    public void Create_SameInput_GivesTheSameWindowsAndScores()
    {
        int[] stream = MixedText(20_000);
        WindowPlan a = Plan(stream), b = Plan(stream);
        Assert.Equal(a.Preview.Select(w => (w.Id, w.TokenSha256, w.Difficulty)), b.Preview.Select(w => (w.Id, w.TokenSha256, w.Difficulty)));
        Assert.Equal(a.Final.Select(w => (w.Id, w.TokenSha256, w.Difficulty)), b.Final.Select(w => (w.Id, w.TokenSha256, w.Difficulty)));
        Assert.Equal(a.Stratification, b.Stratification);
    }

    [Fact]
    public void Create_LongStream_DrawsWindowsFromItsBeginningMiddleAndEnd()
    {
        WindowPlan plan = Plan(MixedText(100_000));
        long grid = plan.Stratification.GridWindows;
        Assert.Equal(10_000, grid);
        var ids = All(plan).Select(w => (long)w.Id).ToList();
        Assert.Contains(ids, id => id < grid / 10);
        Assert.Contains(ids, id => id > grid * 4 / 10 && id < grid * 6 / 10);
        Assert.Contains(ids, id => id > grid * 9 / 10);
        // Both arms span the stream, not one half each.
        Assert.True(plan.Preview.Min(w => w.Id) < grid / 4 && plan.Preview.Max(w => w.Id) > grid * 3 / 4);
        Assert.True(plan.Final.Min(w => w.Id) < grid / 4 && plan.Final.Max(w => w.Id) > grid * 3 / 4);
    }

    [Fact]
    public void Create_StrideEqualsSeqLen_WindowsAreDisjointAndOnTheGrid()
    {
        WindowPlan plan = Plan(MixedText(5_000), preview: 20, final: 20);
        var windows = All(plan).OrderBy(w => w.StartToken).ToList();
        Assert.Equal(40, windows.Select(w => w.Id).Distinct().Count());
        Assert.All(windows, w => Assert.Equal(w.Id * 10L, w.StartToken));
        for (int i = 1; i < windows.Count; i++)
        {
            Assert.True(windows[i].StartToken >= windows[i - 1].StartToken + 10);
        }
        Assert.Equal(0, plan.OverlapFraction);
    }

    [Fact]
    public void Create_WindowTokens_AreTheStreamAtTheStart()
    {
        int[] stream = MixedText(5_000);
        WindowPlan plan = Plan(stream);
        Assert.All(All(plan), w => Assert.Equal(stream.AsSpan((int)w.StartToken, 10).ToArray(), w.Tokens));
        Assert.All(All(plan), w => Assert.Equal(WindowPlan.HashTokens(w.Tokens), w.TokenSha256));
    }

    [Fact]
    public void Create_MixedDifficulty_BalancesTheArms()
    {
        WindowPlan plan = Plan(MixedText(50_000), preview: 32, final: 32);
        WindowStratification s = plan.Stratification;
        double spread = Math.Max(s.PreviewStdDifficulty, s.FinalStdDifficulty);
        Assert.True(spread > 0.3, $"the test text should vary in difficulty (std {spread})");
        Assert.True(Math.Abs(s.DifficultyGap) < 0.02 * spread, $"gap {s.DifficultyGap} with std {spread}");
        Assert.Equal(s.PreviewMeanDifficulty, plan.Preview.Average(w => w.Difficulty), 12);
    }

    [Fact]
    public void Create_ArmsListedByStartToken()
    {
        WindowPlan plan = Plan(MixedText(20_000));
        Assert.Equal(plan.Preview.Select(w => w.Id).Order(), plan.Preview.Select(w => w.Id));
        Assert.Equal(plan.Final.Select(w => w.Id).Order(), plan.Final.Select(w => w.Id));
        Assert.All(plan.Preview, w => Assert.Equal(WindowArm.Preview, w.Arm));
        Assert.All(plan.Final, w => Assert.Equal(WindowArm.Final, w.Arm));
    }

    [Fact]
    public void Create_ExactlyEnoughWindows_UsesEveryGridWindow()
    {
        WindowPlan plan = Plan(MixedText(60), seqLen: 10, stride: 10, preview: 3, final: 3);
        Assert.Equal([0, 1, 2, 3, 4, 5], All(plan).Select(w => w.Id).Order());
    }

    [Fact]
    public void Create_UnequalArms_FillsEachToItsCount()
    {
        WindowPlan plan = Plan(MixedText(5_000), preview: 3, final: 11);
        Assert.Equal(3, plan.Preview.Count);
        Assert.Equal(11, plan.Final.Count);
        Assert.Equal(14, All(plan).Select(w => w.Id).Distinct().Count());
    }

    [Fact]
    public void Create_StrideBelowSeqLen_StartsOnTheStrideGridAndReportsOverlap()
    {
        WindowPlan plan = Plan(MixedText(3_000), seqLen: 10, stride: 5, preview: 4, final: 4);
        Assert.All(All(plan), w => Assert.Equal(w.Id * 5L, w.StartToken));
        Assert.Equal(599, plan.Stratification.GridWindows);
        Assert.Equal(0.5, plan.OverlapFraction);
    }

    [Fact]
    public void Create_TooFewTokens_ThrowsSayingHowManyFit()
    {
        var ex = Assert.Throws<InvarLockException>(() => WindowPlan.Create(MixedText(35), Tokenizer, 10, 10, 2, 2, "/data/short.txt"));
        Assert.Equal(ErrorCodes.DatasetError, ex.Code);
        Assert.Contains("/data/short.txt", ex.Message);
        Assert.Contains("fit 3 windows", ex.Message);
        Assert.Contains("needs 4", ex.Message);
    }

    [Fact]
    public void HashTokens_IsSha256OfUInt32LittleEndian()
    {
        // SHA-256 of bytes 01 00 00 00 02 00 00 00, computed independently with python3 hashlib.
        Assert.Equal("34fb5c825de7ca4aea6e712f19d439c1da0c92c37b423936c5f618545ca4fa1f", WindowPlan.HashTokens([1, 2]));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 11)]
    [InlineData(10, 0)]
    public void Create_BadSeqLenOrStride_ThrowsUsage(int seqLen, int stride)
    {
        var ex = Assert.Throws<InvarLockException>(() => WindowPlan.Create(MixedText(100), Tokenizer, seqLen, stride, 1, 1, "t"));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
    }
}
