namespace InvarLock.Fuzz;

/// <summary>A private scratch folder per process (inputs that must be files are written here, overwritten per input).</summary>
internal static class FuzzWorkspace
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string path = Path.Combine(Path.GetTempPath(), $"invarlock-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(path);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(path);
        return path;
    });

    /// <summary>An empty folder named <paramref name="name"/> inside the workspace (emptied when it exists).</summary>
    public static string CleanFolder(string name)
    {
        string path = Path.Combine(Root.Value, name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        Directory.CreateDirectory(path);
        return path;
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
