using System.Diagnostics;

namespace InvarLock.Cli.Tests.Report;

/// <summary>Loads a local HTML file in headless Chromium (Debian <c>chromium</c>) with networking, sync and updates off
/// and a throw-away profile, and returns the DOM after load plus every console message Chromium logged.</summary>
internal static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Loading one small local page takes about 2 s; a minute leaves room on a busy CI machine.</summary>
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(90);

    public sealed record PageLoad(int ExitCode, string Dom, IReadOnlyList<string> ConsoleLines, string Stderr);

    /// <summary>Fails the calling test (no skip) when Chromium is not installed.</summary>
    public static void RequireInstalled()
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail($"{ExecutablePath} is missing: the HTML rendering test needs headless Chromium. Install it with "
                + "'apt-get update && apt-get install -y chromium' (the CI script .ci/run installs it).");
        }
    }

    public static PageLoad Load(string htmlPath)
    {
        RequireInstalled();
        string profile = Path.Combine(Path.GetTempPath(), "invarlock-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        try
        {
            var start = new ProcessStartInfo(ExecutablePath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--dump-dom", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(LoadTimeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"chromium did not finish loading {htmlPath} within {LoadTimeout.TotalSeconds} s");
            }

            process.WaitForExit();
            string err = stderr.Result;
            var console = err.Split('\n')
                .Where(l => l.Contains("CONSOLE", StringComparison.Ordinal) || l.Contains("Uncaught", StringComparison.Ordinal))
                .Select(l => l.TrimEnd('\r'))
                .ToList();
            return new PageLoad(process.ExitCode, stdout.Result, console, err);
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be flushing its profile; the temp cleaner removes it later.
            }
        }
    }
}
