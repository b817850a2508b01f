using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Core.Tests.Security;

public sealed class OutputPathValidatorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"invarlock-out-test-{Guid.NewGuid():N}");

    public OutputPathValidatorTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ValidateOutputDirectory_ExistingFile_OutputError()
    {
        string file = Path.Combine(_root, "report.json");
        File.WriteAllText(file, "{}");

        var e = Assert.Throws<InvarLockException>(() => OutputPathValidator.ValidateOutputDirectory(file));

        Assert.Equal(ErrorCodes.OutputError, e.Code);
        Assert.Contains("is an existing file", e.Message);
    }

    [Fact]
    public void ValidateOutputDirectory_SymlinkToFile_OutputError()
    {
        string file = Path.Combine(_root, "target.txt");
        File.WriteAllText(file, "x");
        string link = Path.Combine(_root, "out");
        File.CreateSymbolicLink(link, file);

        Assert.Equal(ErrorCodes.OutputError, Assert.Throws<InvarLockException>(() => OutputPathValidator.ValidateOutputDirectory(link)).Code);
    }

    [Fact]
    public void ValidateOutputDirectory_MissingOrExistingFolderOrNamedLinkToFolder_ReturnsFullPath()
    {
        string folder = Path.Combine(_root, "real");
        Directory.CreateDirectory(folder);
        string named = Path.Combine(_root, "named-link");
        Directory.CreateSymbolicLink(named, folder);

        Assert.Equal(Path.Combine(_root, "new"), OutputPathValidator.ValidateOutputDirectory(Path.Combine(_root, "new")));
        Assert.Equal(folder, OutputPathValidator.ValidateOutputDirectory(folder));
        Assert.Equal(named, OutputPathValidator.ValidateOutputDirectory(named));
    }

    [Fact]
    public void ResolveOutputFile_PlantedSymlinkInsideOutputFolder_OutputError()
    {
        string victim = Path.Combine(_root, "victim.txt");
        File.WriteAllText(victim, "precious");
        string outDir = Path.Combine(_root, "out");
        Directory.CreateDirectory(outDir);
        File.CreateSymbolicLink(Path.Combine(outDir, "evaluation.report.json"), victim);

        var e = Assert.Throws<InvarLockException>(() => OutputPathValidator.ResolveOutputFile(outDir, "evaluation.report.json"));

        Assert.Contains("symbolic link inside the output folder", e.Message);
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public void ResolveOutputFile_SymlinkedSubfolder_OutputError()
    {
        string outDir = Path.Combine(_root, "out");
        Directory.CreateDirectory(outDir);
        Directory.CreateSymbolicLink(Path.Combine(outDir, "runs"), _root);

        Assert.Throws<InvarLockException>(() => OutputPathValidator.ResolveOutputFile(outDir, "runs/report.json"));
    }

    [Theory]
    [InlineData("../escape.json")]
    [InlineData("/etc/passwd")]
    public void ResolveOutputFile_PathLeavingFolder_OutputError(string name) =>
        Assert.Equal(ErrorCodes.OutputError,
            Assert.Throws<InvarLockException>(() => OutputPathValidator.ResolveOutputFile(Path.Combine(_root, "out"), name)).Code);

    [Fact]
    public void ResolveOutputFile_PlainName_ReturnsPathInsideFolder() =>
        Assert.Equal(Path.Combine(_root, "out", "evaluation.report.json"),
            OutputPathValidator.ResolveOutputFile(Path.Combine(_root, "out"), "evaluation.report.json"));

    [Fact]
    public void AtomicWrite_ReplacesLinkInsteadOfFollowingIt()
    {
        string victim = Path.Combine(_root, "victim.txt");
        File.WriteAllText(victim, "precious");
        string link = Path.Combine(_root, "report.json");
        File.CreateSymbolicLink(link, victim);

        AtomicFile.WriteAllText(link, "{}");

        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Equal("{}", File.ReadAllText(link));
    }
}
