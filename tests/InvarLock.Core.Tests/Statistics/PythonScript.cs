using System.Diagnostics;

namespace InvarLock.Core.Tests.Statistics;

/// <summary>Runs a Python helper script that lives beside the tests with the Debian interpreter
/// (<c>/usr/bin/python3</c>, which carries python3-numpy, python3-scipy and python3-jsonschema in CI). Scripts are looked up
/// under <c>tests/&lt;test assembly name&gt;/</c>, so a test project that links this file finds its own scripts.</summary>
internal static class PythonScript
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly string ProjectFolder = typeof(PythonScript).Assembly.GetName().Name!;

    /// <summary>The absolute path of a file under the test project's source folder.</summary>
    public static string SourceFile(string relativePath)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null)
        {
            string candidate = Path.Combine(dir.FullName, "tests", ProjectFolder, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            dir = dir.Parent;
        }

        throw new FileNotFoundException($"Cannot find tests/{ProjectFolder}/{relativePath} above {AppContext.BaseDirectory}.");
    }

    /// <summary>Runs the script and returns its standard output; a non-zero exit fails the test with stderr.</summary>
    public static string Run(string relativeScript, params string[] arguments)
    {
        (int exitCode, string stdout, string stderr) = RunWithExitCode(relativeScript, arguments);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{relativeScript} exited with {exitCode} (needs {Interpreter} with python3-numpy, python3-scipy, python3-jsonschema): {stderr}{stdout}");
        }

        return stdout;
    }

    /// <summary>Runs the script and returns its exit code, standard output and standard error.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWithExitCode(string relativeScript, params string[] arguments)
    {
        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SourceFile(relativeScript));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Cannot start " + Interpreter);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
