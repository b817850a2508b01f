using InvarLock.Core.Reporting;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;

namespace InvarLock.Cli;

/// <summary>The output bundle of one run (docs/user-guide.md, "Output folder"). <see cref="Begin"/> validates
/// <c>--out</c> (not a file, not inside or equal to a model folder, writable), deletes the previous run's bundle
/// entries from it (so a run that fails leaves no report that looks current) and creates a staging folder beside it;
/// the run writes every file into <see cref="StagingDirectory"/>; <see cref="Commit"/> moves the entries into
/// <c>--out</c> with the report last (a reader sees the report only once the rest of the bundle is there). Disposing an
/// uncommitted bundle deletes the staging folder. Files in <c>--out</c> that are not bundle entries are left alone.</summary>
internal sealed class OutputFolder : IDisposable
{
    /// <summary>The names a run writes into <c>--out</c>, in commit order: the report, the commit record, is last.</summary>
    public static List<string> EntryNames { get; } =
        [SubjectCheckpointName, ReportWriter.MarkdownFileName, RuntimeManifest.FileName, ReportWriter.ReportFileName + ReportSignature.Suffix,
            ReportWriter.ReportFileName];

    /// <summary>The folder an <c>--edit</c> run writes the checkpoint it graded into (a Hugging Face folder).</summary>
    public const string SubjectCheckpointName = "invarlock-subject";

    private bool _committed;
    private bool _worker;

    private OutputFolder(string directory, string staging)
    {
        Directory = directory;
        StagingDirectory = staging;
    }

    /// <summary>The full path of <c>--out</c>.</summary>
    public string Directory { get; }

    /// <summary>The folder beside <c>--out</c> the run writes into.</summary>
    public string StagingDirectory { get; }

    /// <summary>The final path of a bundle entry.</summary>
    public string FinalPath(string entry) => Path.Combine(Directory, entry);

    /// <summary>Validates <paramref name="path"/> against the model folders and report the run reads, clears the old
    /// bundle and creates the staging folder.</summary>
    public static OutputFolder Begin(string path, IReadOnlyList<string?> modelFolders, string? baselineReport)
    {
        string full = OutputPathValidator.ValidateOutputDirectory(path).TrimEnd(Path.DirectorySeparatorChar);
        foreach (string? model in modelFolders)
        {
            if (model is null)
            {
                continue;
            }
            string modelFull = Path.GetFullPath(model).TrimEnd(Path.DirectorySeparatorChar);
            if (IsSameOrInside(full, modelFull))
            {
                throw new InvarLockException(ErrorCodes.OutputError,
                    $"{full}: --out is inside the model folder {modelFull}; choose an output folder outside every model folder");
            }
            foreach (string entry in EntryNames)
            {
                if (IsSameOrInside(modelFull, Path.Combine(full, entry)))
                {
                    throw new InvarLockException(ErrorCodes.OutputError,
                        $"{full}: the model folder {modelFull} is part of a previous output bundle in --out, which this run would replace; choose another --out");
                }
            }
        }
        if (baselineReport is not null && IsSameOrInside(Path.GetFullPath(baselineReport), full)
            && EntryNames.Contains(Path.GetRelativePath(full, Path.GetFullPath(baselineReport))))
        {
            throw new InvarLockException(ErrorCodes.OutputError,
                $"{full}: --out holds the --baseline-report this run reads, which the run would replace; choose another --out");
        }
        try
        {
            System.IO.Directory.CreateDirectory(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{full}: cannot create the output folder ({ex.Message})");
        }
        foreach (string name in EntryNames)
        {
            if (name != SubjectCheckpointName)
            {
                // The checkpoint entry is a folder (replaced whole); the others are files.
                OutputPathValidator.ResolveOutputFile(full, name);
            }
        }
        if (!OutputPathValidator.CanWrite(full, out string? problem))
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{full}: not writable ({problem})");
        }
        string parent = Path.GetDirectoryName(full) ?? throw new InvarLockException(ErrorCodes.OutputError, $"{full}: has no parent folder");
        string name0 = Path.GetFileName(full);
        RemoveStaleStaging(parent, name0);
        // The report goes first: from here on a failed or interrupted run leaves no report in --out.
        for (int i = EntryNames.Count - 1; i >= 0; i--)
        {
            Delete(Path.Combine(full, EntryNames[i]));
        }
        string staging = Path.Combine(parent, $".{name0}.invarlock-staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            System.IO.Directory.CreateDirectory(staging);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{staging}: cannot create the staging folder beside --out ({ex.Message})");
        }
        return new OutputFolder(full, staging);
    }

    /// <summary>The bundle of a sandboxed worker (docs/security/sandbox.md): it writes into <paramref name="staging"/>,
    /// the folder its parent created and bound writable, and leaves it there for the parent to validate and commit
    /// (<see cref="Commit"/> and <see cref="Dispose"/> do nothing). <paramref name="directory"/> is the parent's
    /// <c>--out</c>, for the final paths the report names.</summary>
    public static OutputFolder ForWorker(string directory, string staging) =>
        new(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar), Path.GetFullPath(staging)) { _worker = true, _committed = true };

    /// <summary>Moves the staged entries into <c>--out</c> (report last) and removes the staging folder.</summary>
    public void Commit()
    {
        if (_worker)
        {
            return;
        }
        try
        {
            foreach (string name in EntryNames)
            {
                string source = Path.Combine(StagingDirectory, name);
                string target = Path.Combine(Directory, name);
                if (System.IO.Directory.Exists(source))
                {
                    Delete(target);
                    System.IO.Directory.Move(source, target);
                }
                else if (File.Exists(source))
                {
                    File.Move(source, target, overwrite: true);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{Directory}: cannot move the finished bundle into place ({ex.Message})");
        }
        _committed = true;
        Delete(StagingDirectory);
    }

    public void Dispose()
    {
        if (!_committed)
        {
            Delete(StagingDirectory);
        }
    }

    private static bool IsSameOrInside(string path, string folder) =>
        path == folder || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void RemoveStaleStaging(string parent, string name)
    {
        try
        {
            foreach (string dir in System.IO.Directory.EnumerateDirectories(parent, $".{name}.invarlock-staging-*"))
            {
                string pid = Path.GetFileName(dir)[$".{name}.invarlock-staging-".Length..].Split('-')[0];
                if (int.TryParse(pid, out int id) && id != Environment.ProcessId && IsRunning(id))
                {
                    continue;
                }
                Delete(dir);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvarLockException)
        {
            // A stale staging folder that cannot be removed is left; the run uses a fresh one.
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Delete(string path)
    {
        try
        {
            if (System.IO.Directory.Exists(path) && new DirectoryInfo(path).LinkTarget is null)
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
            {
                File.Delete(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{path}: cannot remove it from the output folder ({ex.Message})");
        }
    }
}
