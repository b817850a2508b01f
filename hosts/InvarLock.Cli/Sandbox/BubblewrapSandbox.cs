using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace InvarLock.Cli.Sandbox;

/// <summary>Runs a command under bubblewrap (<c>bwrap</c>) the one way the tool does (docs/security/sandbox.md): new
/// network (no interfaces), PID, IPC and UTS namespaces; an empty root with the system libraries, the .NET runtime and
/// the tool's own binaries bound read-only; the <see cref="SandboxMounts.ReadOnly"/> inputs bound read-only at their own
/// paths; only <see cref="SandboxMounts.Writable"/> writable; a private <c>/tmp</c> as the only home; and a cleared
/// environment with only <see cref="WorkerEnvironment"/>'s allow-list passed in. The argument set is built in one place
/// (<see cref="Arguments"/>), so the probe tests exercise exactly what an evaluation uses.</summary>
internal sealed class BubblewrapSandbox
{
    /// <summary>The system folders bound read-only (or re-created as the same symlink, on merged-/usr systems).</summary>
    private static readonly string[] SystemFolders = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32"];

    /// <summary>Fragments that mark an environment variable as a secret: never passed in, even when allow-listed.</summary>
    private static readonly string[] SecretMarkers = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "KEY", "AUTH"];

    /// <summary>Exact names passed through besides the <c>DOTNET_</c> and <c>INVARLOCK_</c> families.</summary>
    private static readonly string[] PassedNames = ["LANG", "LC_ALL", "TZ", "HF_HUB_CACHE", "HF_HOME"];

    private static readonly ConcurrentDictionary<string, string?> ProbeResults = new(StringComparer.Ordinal);

    private BubblewrapSandbox(string executable) => Executable = executable;

    /// <summary>The bwrap executable.</summary>
    public string Executable { get; }

    /// <summary>The home folder inside the sandbox: on the private <c>/tmp</c> tmpfs, empty, gone with the worker.</summary>
    public const string Home = "/tmp/home";

    /// <summary>Finds bwrap on <c>PATH</c> (of <paramref name="environment"/>; <c>/usr/bin:/bin</c> when unset) and checks
    /// once per process that it can start a sandbox here (<c>bwrap … true</c>). Null, with the reason in
    /// <paramref name="problem"/>, when it cannot.</summary>
    public static BubblewrapSandbox? Probe(IReadOnlyDictionary<string, string?> environment, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!OperatingSystem.IsLinux())
        {
            problem = "the bubblewrap sandbox is Linux-only";
            return null;
        }
        string path = environment.TryGetValue("PATH", out string? p) && !string.IsNullOrEmpty(p) ? p : "/usr/bin:/bin";
        string? executable = null;
        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "bwrap");
            if (File.Exists(candidate))
            {
                executable = candidate;
                break;
            }
        }
        if (executable is null)
        {
            problem = "bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)";
            return null;
        }
        problem = ProbeResults.GetOrAdd(executable, static exe => TryStart(exe));
        return problem is null ? new BubblewrapSandbox(executable) : null;
    }

    /// <summary>The bwrap arguments, up to and including <c>--</c>, for a worker that may read
    /// <paramref name="mounts"/>' inputs and write only its staging folder, with <paramref name="environment"/>
    /// filtered by <see cref="WorkerEnvironment"/>.</summary>
    public static List<string> Arguments(SandboxMounts mounts, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        ArgumentNullException.ThrowIfNull(environment);
        var args = new List<string>
        {
            "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--clearenv",
        };
        foreach (string folder in SystemFolders)
        {
            var info = new DirectoryInfo(folder);
            if (info.LinkTarget is string target)
            {
                args.AddRange(["--symlink", target, folder]);
            }
            else if (info.Exists)
            {
                args.AddRange(["--ro-bind", folder, folder]);
            }
        }
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--dir", Home]);
        var bound = new HashSet<string>(StringComparer.Ordinal);
        foreach (string input in mounts.ReadOnly)
        {
            string full = Path.GetFullPath(input).TrimEnd('/');
            if (full.Length > 0 && !UnderSystemFolder(full) && bound.Add(full))
            {
                args.AddRange(["--ro-bind", full, full]);
            }
        }
        string writable = Path.GetFullPath(mounts.Writable).TrimEnd('/');
        args.AddRange(["--bind", writable, writable, "--chdir", writable]);
        foreach ((string name, string value) in WorkerEnvironment(environment))
        {
            args.AddRange(["--setenv", name, value]);
        }
        args.AddRange(["--setenv", "HOME", Home, "--setenv", "TMPDIR", "/tmp", "--setenv", "DOTNET_CLI_TELEMETRY_OPTOUT", "1", "--"]);
        return args;
    }

    /// <summary>The variables a worker sees: <c>DOTNET_*</c> and <c>INVARLOCK_*</c> (the tool's own knobs), locale, time
    /// zone and the Hugging Face cache location; never anything whose name marks a secret (<c>*_TOKEN</c>,
    /// <c>*PASSWORD*</c>, <c>*KEY*</c>, …), so <c>HF_TOKEN</c>, <c>AWS_*</c> and the signing password stay outside.</summary>
    public static SortedDictionary<string, string> WorkerEnvironment(IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string? value) in environment)
        {
            if (value is null || name.Contains('=', StringComparison.Ordinal))
            {
                continue;
            }
            bool family = name.StartsWith("DOTNET_", StringComparison.Ordinal) || name.StartsWith("INVARLOCK_", StringComparison.Ordinal);
            if (!family && Array.IndexOf(PassedNames, name) < 0)
            {
                continue;
            }
            bool secret = false;
            foreach (string marker in SecretMarkers)
            {
                secret |= name.Contains(marker, StringComparison.OrdinalIgnoreCase);
            }
            if (!secret)
            {
                result[name] = value;
            }
        }
        return result;
    }

    /// <summary>Runs <paramref name="command"/> in the sandbox; the worker's standard output and error come back whole.
    /// <paramref name="cancellationToken"/> kills the worker (and, through its PID namespace, everything it started).</summary>
    public SandboxResult Run(IReadOnlyList<string> command, SandboxMounts mounts, IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in Arguments(mounts, environment))
        {
            start.ArgumentList.Add(a);
        }
        foreach (string a in command)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable}: could not start the sandbox");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using (cancellationToken.Register(() => Kill(process)))
        {
            process.WaitForExit();
        }
        return new SandboxResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>The .NET host (<c>dotnet</c>) and the tool's own assembly: what a worker command starts with, and the
    /// folders (runtime, tool) the sandbox binds read-only for it.</summary>
    public static (string DotnetHost, string ToolAssembly, IReadOnlyList<string> Folders) WorkerRuntime()
    {
        string runtimeDir = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>
        string root = Path.GetFullPath(Path.Combine(runtimeDir, "..", "..", ".."));
        string host = Path.Combine(root, "dotnet");
        string tool = typeof(BubblewrapSandbox).Assembly.Location;
        string toolDir = Path.GetDirectoryName(tool) ?? throw new InvalidOperationException($"{tool}: has no folder");
        return (host, tool, [root, toolDir]);
    }

    private static string? TryStart(string executable)
    {
        try
        {
            string scratch = Directory.CreateTempSubdirectory("invarlock-bwrap-probe-").FullName;
            try
            {
                var start = new ProcessStartInfo(executable) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
                foreach (string a in Arguments(new SandboxMounts([], scratch), new Dictionary<string, string?>()))
                {
                    start.ArgumentList.Add(a);
                }
                start.ArgumentList.Add("/bin/true");
                using var process = Process.Start(start);
                if (process is null)
                {
                    return $"{executable}: could not be started";
                }
                string error = process.StandardError.ReadToEnd();
                process.StandardOutput.ReadToEnd();
                if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
                {
                    Kill(process);
                    return $"{executable}: the probe sandbox did not finish within 20 s";
                }
                return process.ExitCode == 0 ? null
                    : $"{executable} cannot create a sandbox here (exit {process.ExitCode}: {error.ReplaceLineEndings(" ").Trim()})";
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return $"{executable}: could not be started ({e.Message})";
        }
    }

    private static bool UnderSystemFolder(string path)
    {
        foreach (string folder in SystemFolders)
        {
            if (path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
