using InvarLock.Guards.Variance;

namespace InvarLock.Guards.Tests.Variance;

public class ScaleProposalTests
{
    [Fact]
    public void Filter_DropsSmallAndStepLimits()
    {
        var raw = new Dictionary<string, double> { ["block0.mlp"] = 1.20, ["h.0.attn"] = 0.99, ["block1.attn"] = 0.80 };
        var (scales, backstop) = ScaleProposal.Filter(raw, 0.05, 0.10, 0, 0, 0.02);
        Assert.False(backstop);
        Assert.Equal(2, scales.Count);
        Assert.Equal(1.10, scales["block0.mlp"], 12);
        Assert.Equal(0.90, scales["block1.attn"], 12);
    }

    [Fact]
    public void Filter_CapPrefersScalesAtLeastOne()
    {
        var raw = new Dictionary<string, double> { ["a"] = 1.20, ["b"] = 0.80, ["c"] = 1.20 };
        var (scales, _) = ScaleProposal.Filter(raw, 0, 0, 0, 2, 0);
        Assert.Equal(["a", "c"], scales.Keys);
    }

    [Fact]
    public void Filter_OnlyLargeEnoughSurvivesStepLimited()
    {
        var raw = new Dictionary<string, double> { ["block0.attn"] = 1.001, ["block0.mlp"] = 1.003 };
        var (scales, _) = ScaleProposal.Filter(raw, 0.0025, 0.001, 1, 0, 0.002);
        Assert.Equal(1.001, Assert.Single(scales, kv => kv.Key == "block0.mlp").Value, 12);
        Assert.Single(scales);
    }

    [Fact]
    public void Filter_MaxAdjustedOne_KeepsTheUpScale()
    {
        var raw = new Dictionary<string, double> { ["attn"] = 1.02, ["mlp"] = 0.98 };
        var (scales, _) = ScaleProposal.Filter(raw, 0, 0, 0, 1, 0);
        Assert.Equal(1.02, Assert.Single(scales).Value);
    }

    [Fact]
    public void Filter_Backstop_KeepsBestWhenNothingSurvives()
    {
        var raw = new Dictionary<string, double> { ["a"] = 1.011, ["b"] = 0.995 };
        var (scales, backstop) = ScaleProposal.Filter(raw, 0.012, 0.03, 1, 1, 0.02);
        Assert.True(backstop);
        Assert.Equal(1.011, Assert.Single(scales).Value, 12);
    }

    [Fact]
    public void Filter_BackstopBelowThreshold_KeepsNothing()
    {
        // threshold = max(deadband/2, min_abs/2) = 0.01 > δ 0.008.
        var (scales, backstop) = ScaleProposal.Filter(new Dictionary<string, double> { ["a"] = 1.008 }, 0.012, 0.03, 1, 1, 0.02);
        Assert.False(backstop);
        Assert.Empty(scales);
    }

    [Fact]
    public void RawScales_RespectsToleranceAndClamp()
    {
        var samples = new Dictionary<string, List<double>> { ["x"] = [4, 4, 4], ["y"] = [1, 1, 1] };
        var raw = ScaleProposal.RawScales(samples, 0.02, 0.85, 1.12);
        Assert.Equal(0.85, Assert.Single(raw).Value);
    }
}
