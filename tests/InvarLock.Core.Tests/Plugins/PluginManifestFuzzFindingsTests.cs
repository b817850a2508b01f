using InvarLock.Core.Plugins;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Regression test for invalid UTF-8 in a plugin manifest (the class of fuzzing finding in docs/security/fuzzing.md:
/// JsonDocument accepts the bytes and reading the string threw InvalidOperationException).</summary>
public sealed class PluginManifestFuzzFindingsTests
{
    [Fact]
    public void Parse_InvalidUtf8InString_PluginRefusedNamingTheManifest()
    {
        byte[] manifest = [.. "{\"id\":\"Acme."u8, 0xC3, 0x28, .. "\",\"version\":\"1.0.0\",\"sdkVersion\":\"1.0\",\"assembly\":\"a.dll\",\"provides\":[]}"u8];

        var error = Assert.Throws<InvarLockException>(() => PluginManifestReader.Parse(manifest, "m.json"));

        Assert.Equal(ErrorCodes.PluginRefused, error.Code);
        Assert.Contains("m.json", error.Message);
        Assert.Contains("not valid UTF-8", error.Message);
    }
}
