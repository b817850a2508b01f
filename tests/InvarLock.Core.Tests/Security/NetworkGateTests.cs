using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Security;

public sealed class NetworkGateTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("2")]
    public void EnsureAllowed_FlagNotTrue_ThrowsSecurityRefused(string? value)
    {
        var gate = new NetworkGate(new Dictionary<string, string?> { ["INVARLOCK_ALLOW_NETWORK"] = value });

        var e = Assert.Throws<InvarLockException>(() => gate.EnsureAllowed("download wikitext2"));

        Assert.Equal(ErrorCodes.SecurityRefused, e.Code);
        Assert.Contains("download wikitext2", e.Message);
        Assert.Contains("INVARLOCK_ALLOW_NETWORK=1", e.Message);
        Assert.Throws<InvarLockException>(() => gate.CreateHttpClient("download"));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    [InlineData(" YES ")]
    [InlineData("On")]
    public void EnsureAllowed_FlagTrue_Allows(string value)
    {
        var gate = new NetworkGate(new Dictionary<string, string?> { ["INVARLOCK_ALLOW_NETWORK"] = value });

        gate.EnsureAllowed("download");
        using HttpClient client = gate.CreateHttpClient("download");

        Assert.True(gate.IsAllowed);
    }
}
