namespace InvarLock.Models.Tests.TestSupport;

/// <summary>A uniquely named folder under the system temp directory, deleted (recursively) on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder; <paramref name="prefix"/> helps tell leftovers apart.</summary>
    public TempFolder(string prefix = "invarlock-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>Full path of the folder.</summary>
    public string Path { get; }

    /// <summary>A path inside the folder.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still open elsewhere (e.g. a mapped view on Windows): leave it to the OS temp cleaner.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
