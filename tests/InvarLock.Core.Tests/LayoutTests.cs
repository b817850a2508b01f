using System.Text.RegularExpressions;

namespace InvarLock.Core.Tests;

/// <summary>The layout rules of issue 8, checked on the sources: the pipeline does not reach into the report or verify
/// layers (they consume it, not the other way round), the GPT-2 model code does not reach into the Hugging Face
/// adapter, and InternalsVisibleTo opens an assembly only to its own tests.</summary>
public sealed partial class LayoutTests
{
    private static string Root()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "InvarLock.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }
        Assert.NotNull(dir);
        return dir;
    }

    /// <summary>The code of a C# file without comments (line and XML doc comments), so a cref is not a dependency.</summary>
    private static string Code(string path) => LineComment().Replace(File.ReadAllText(path), "");

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex LineComment();

    private static IEnumerable<string> Offenders(string folder, params string[] forbidden)
    {
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Root(), folder), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }
            string code = Code(file);
            foreach (string f in forbidden)
            {
                if (code.Contains(f, StringComparison.Ordinal))
                {
                    yield return $"{Path.GetRelativePath(Root(), file)} mentions {f}";
                }
            }
        }
    }

    [Fact]
    public void Pipeline_DoesNotReferenceReportingOrVerification()
    {
        Assert.Empty(Offenders("core/InvarLock.Core/Pipeline", "InvarLock.Core.Reporting", "InvarLock.Core.Verification", "Reporting.", "Verification."));
    }

    [Fact]
    public void Gpt2Model_DoesNotReferenceTheHuggingFaceAdapter()
    {
        Assert.Empty(Offenders("plugins/InvarLock.Models/Gpt2", "HuggingFace"));
    }

    [Fact]
    public void InternalsVisibleTo_OnlyOpensAnAssemblyToItsOwnTests()
    {
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(Root(), "*.*", SearchOption.AllDirectories))
        {
            if (!(file.EndsWith(".csproj", StringComparison.Ordinal) || file.EndsWith(".props", StringComparison.Ordinal)
                    || file.EndsWith(".cs", StringComparison.Ordinal))
                || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}.tools{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (Match m in InternalsVisibleTo().Matches(Code(file)))
            {
                if (m.Groups[1].Value != "$(MSBuildProjectName).Tests")
                {
                    offenders.Add($"{Path.GetRelativePath(Root(), file)}: {m.Value}");
                }
            }
        }
        Assert.Empty(offenders);
    }

    [GeneratedRegex(@"InternalsVisibleTo(?:\s+Include=""|\("")([^""]+)""")]
    private static partial Regex InternalsVisibleTo();
}
