using InvarLock.Core.Pipeline;
using InvarLock.Sdk.Errors;

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

    [Fact]
    public void Create_EqualArms_AlternatesEvenToPreviewOddToFinal()
    {
        WindowPlan plan = WindowPlan.Create(Stream(100), 10, 10, 3, 3, "test");
        Assert.Equal([0, 2, 4], plan.Preview.Select(w => w.Id));
        Assert.Equal([1, 3, 5], plan.Final.Select(w => w.Id));
        Assert.Equal(20, plan.Preview[1].Tokens[0]);
        Assert.Equal(29, plan.Preview[1].Tokens[^1]);
        Assert.All(plan.Final, w => Assert.Equal(WindowArm.Final, w.Arm));
    }

    [Fact]
    public void Create_UnequalArms_FullArmYieldsToTheOther()
    {
        WindowPlan plan = WindowPlan.Create(Stream(100), 10, 10, 1, 3, "test");
        Assert.Equal([0], plan.Preview.Select(w => w.Id));
        Assert.Equal([1, 2, 3], plan.Final.Select(w => w.Id));
    }

    [Fact]
    public void Create_Stride_OverlapsWindowsAndReportsFraction()
    {
        WindowPlan plan = WindowPlan.Create(Stream(100), 10, 5, 2, 2, "test");
        Assert.Equal(5, plan.Final[0].StartToken);
        Assert.Equal(0.5, plan.OverlapFraction);
    }

    [Fact]
    public void Create_TooFewTokens_ThrowsSayingHowManyFit()
    {
        var ex = Assert.Throws<InvarLockException>(() => WindowPlan.Create(Stream(35), 10, 10, 2, 2, "/data/short.txt"));
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
        var ex = Assert.Throws<InvarLockException>(() => WindowPlan.Create(Stream(100), seqLen, stride, 1, 1, "t"));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
    }
}
