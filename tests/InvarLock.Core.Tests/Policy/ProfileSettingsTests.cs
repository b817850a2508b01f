using InvarLock.Core.Policy;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Policy;

public sealed class ProfileSettingsTests
{
    [Theory]
    [InlineData("dev", 64, 1000, false, false, double.NaN)]
    [InlineData("ci", 200, 1200, true, true, double.NaN)]
    [InlineData("ci_cpu", 120, 1000, false, false, 1.15)]
    [InlineData("release", 400, 3200, true, true, double.NaN)]
    public void For_KnownProfile_Settings(string name, int windows, int replicates, bool strict, bool overhead, double ratioLimit)
    {
        ProfileSettings profile = ProfileSettings.For(name);

        Assert.Equal(name, profile.Name);
        Assert.Equal(windows, profile.PreviewWindows);
        Assert.Equal(windows, profile.FinalWindows);
        Assert.Equal(replicates, profile.BootstrapReplicates);
        Assert.Equal(0.05, profile.Alpha);
        Assert.Equal(strict, profile.Strict);
        Assert.Equal(overhead, profile.MeasureGuardOverhead);
        Assert.Equal(double.IsNaN(ratioLimit) ? null : ratioLimit, profile.RatioLimitOverride);
    }

    [Theory]
    [InlineData(" CI ", "ci")]
    [InlineData("Release", "release")]
    [InlineData("ci_CPU\t", "ci_cpu")]
    public void For_CaseAndSpaces_Normalised(string name, string expected)
    {
        Assert.Equal(expected, ProfileSettings.For(name).Name);
    }

    [Fact]
    public void For_Null_Dev()
    {
        Assert.Equal("dev", ProfileSettings.For(null!).Name);
    }

    [Fact]
    public void For_UnknownProfile_UsageNamingItAndTheValidOnes()
    {
        var error = Assert.Throws<InvarLockException>(() => ProfileSettings.For("prod"));

        Assert.Equal(ErrorCodes.Usage, error.Code);
        Assert.Equal("unknown profile 'prod'; valid profiles: dev, ci, ci_cpu, release", error.Message);
    }

    [Fact]
    public void Names_EveryNameResolves()
    {
        Assert.Equal(["dev", "ci", "ci_cpu", "release"], ProfileSettings.Names);
        foreach (string name in ProfileSettings.Names)
        {
            Assert.Equal(name, ProfileSettings.For(name).Name);
        }
    }
}
