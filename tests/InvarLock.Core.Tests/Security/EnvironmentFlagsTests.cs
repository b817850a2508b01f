using InvarLock.Core.Security;

namespace InvarLock.Core.Tests.Security;

public sealed class EnvironmentFlagsTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData(" yes ", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("no", false)]
    [InlineData("enabled", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void IsTrue_ReferenceTruthyValues(string? value, bool expected) => Assert.Equal(expected, EnvironmentFlags.IsTrue(value));
}
