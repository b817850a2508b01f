using InvarLock.Core.Reporting;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;

namespace InvarLock.Cli;

/// <summary>Validates and creates the output folder before any work: not an existing file, no planted symlinks for the
/// files we write, and writable.</summary>
internal static class OutputFolder
{
    public static void Prepare(string path)
    {
        string full = OutputPathValidator.ValidateOutputDirectory(path);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{full}: cannot create the output folder ({ex.Message})");
        }
        foreach (string name in new[] { ReportWriter.ReportFileName, ReportWriter.MarkdownFileName, RuntimeManifest.FileName })
        {
            OutputPathValidator.ResolveOutputFile(full, name);
        }
        if (!OutputPathValidator.CanWrite(full, out string? problem))
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{full}: not writable ({problem})");
        }
    }
}
