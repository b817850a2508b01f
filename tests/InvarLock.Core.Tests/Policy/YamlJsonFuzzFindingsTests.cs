using InvarLock.Core.Policy;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Policy;

/// <summary>Regression tests for the fuzzing findings in the YAML reader (docs/security/fuzzing.md): YamlDotNet's scanner
/// threw <see cref="InvalidOperationException"/> (not YamlException) on these presets, which reached the user as a stack
/// trace instead of IL1002.</summary>
public sealed class YamlJsonFuzzFindingsTests
{
    public static TheoryData<string> CrashingPresets => new()
    {
        "guards: 10}\nmetrics: [pm_tail: {-=s: 10}\nmetrias: {-\nse",
        "guards: &g\n  spectral: ! {maps: 0x10}\nmetrics: {pm_tail: {mRde: ~, min_windows: 1e2dows:-\nse",
        "a: {-\nb",
    };

    [Theory]
    [MemberData(nameof(CrashingPresets))]
    public void ParseObject_ScannerInvalidOperation_InvalidPolicyNamingTheFile(string yaml)
    {
        var error = Assert.Throws<InvarLockException>(() => YamlJson.ParseObject(yaml, "preset.yaml"));

        Assert.Equal(ErrorCodes.InvalidPolicy, error.Code);
        Assert.StartsWith("preset.yaml: invalid YAML", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
