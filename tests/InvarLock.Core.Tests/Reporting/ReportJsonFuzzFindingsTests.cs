using InvarLock.Core.Reporting;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Reporting;

/// <summary>Regression test for the fuzzing finding in the report reader (docs/security/fuzzing.md): invalid UTF-8 inside a
/// JSON string passed JsonDocument.Parse and threw InvalidOperationException when verify canonicalised the tree.</summary>
public sealed class ReportJsonFuzzFindingsTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"invarlock-report-utf8-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void ReadFile_InvalidUtf8InString_MalformedReportNamingTheFile()
    {
        File.WriteAllBytes(_path, [.. "{\"schema_version\":\"v"u8, 0xC3, 0x28, .. "\"}"u8]);

        var error = Assert.Throws<InvarLockException>(() => ReportJson.ReadFile(_path));

        Assert.Equal(ErrorCodes.MalformedReport, error.Code);
        Assert.Equal($"{_path}: not a valid evaluation report (not valid UTF-8)", error.Message);
    }
}
