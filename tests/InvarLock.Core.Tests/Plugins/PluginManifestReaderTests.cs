using System.Text;
using InvarLock.Core.Plugins;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Tests.Plugins;

public sealed class PluginManifestReaderTests
{
    [Fact]
    public void Parse_ValidManifest_ReadsEveryField()
    {
        PluginManifest m = PluginManifestReader.Parse(TestPackages.Manifest("Acme.X", "1.2.3-beta.1", "1.0", "Acme.X.dll", "acme_guard"), "m.json");

        Assert.Equal("Acme.X", m.Id);
        Assert.Equal("1.2.3-beta.1", m.Version);
        Assert.Equal("1.0", m.SdkVersion);
        Assert.Equal("Acme.X.dll", m.Assembly);
        Assert.Equal(new PluginProvision(PluginKind.Guard, "acme_guard"), Assert.Single(m.Provides));
    }

    [Theory]
    [InlineData("""{"id":"A","version":"1.0.0","sdkVersion":"1.0","assembly":"A.dll","provides":[{"kind":"widget","name":"a"}]}""", "unknown kind")]
    [InlineData("""{"id":"A","version":"1.0.0","sdkVersion":"1.0","assembly":"../A.dll","provides":[{"kind":"guard","name":"a"}]}""", "plain .dll file name")]
    [InlineData("""{"id":"A","version":"1.0.0","sdkVersion":"1.0","assembly":"A.dll","provides":[]}""", "non-empty array")]
    [InlineData("""{"id":"A","version":"1.0.0","sdkVersion":"1","assembly":"A.dll","provides":[{"kind":"guard","name":"a"}]}""", "MAJOR.MINOR")]
    [InlineData("""{"id":"A","version":"1.0.0","sdkVersion":"1.0","assembly":"A.dll","provides":[{"kind":"guard","name":"Bad-Name"}]}""", "component name")]
    [InlineData("""{"id":"A","version":"1.0.0","sdkVersion":"1.0","assembly":"A.dll","provides":[{"kind":"guard","name":"a"},{"kind":"guard","name":"a"}]}""", "listed twice")]
    [InlineData("""{"id":"A",""", "not valid JSON")]
    public void Parse_InvalidManifest_RefusedWithReason(string json, string reason)
    {
        var e = Assert.Throws<InvarLockException>(() => PluginManifestReader.Parse(Encoding.UTF8.GetBytes(json), "m.json"));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.StartsWith("m.json: ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("1.0", "1.0", true)]
    [InlineData("1.0", "1.3", true)]
    [InlineData("1.2", "1.3", true)]
    [InlineData("1.4", "1.3", false)]
    [InlineData("2.0", "1.3", false)]
    [InlineData("0.9", "1.3", false)]
    public void CheckCompatibility_SameMajorAndMinorNotAboveHost_Compatible(string plugin, string host, bool compatible) =>
        Assert.Equal(compatible, PluginManifestReader.CheckCompatibility(plugin, Version.Parse(host)) is null);
}
