using InvarLock.Sdk.Errors;

namespace InvarLock.Sdk.Tests;

public sealed class ErrorCodeDocsTests
{
    [Fact]
    public void DocsErrorsMd_ListsEveryCodeWithItsExitCode()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "InvarLock.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        Assert.NotNull(dir);
        string doc = File.ReadAllText(Path.Combine(dir, "docs", "errors.md"));
        foreach (var field in typeof(ErrorCodes).GetFields())
        {
            var code = (ErrorCode)field.GetValue(null)!;
            Assert.Contains($"| {code.Id} | {code.ExitCode} |", doc);
        }
    }
}
