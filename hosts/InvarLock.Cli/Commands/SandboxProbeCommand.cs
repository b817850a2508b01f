using System.CommandLine;
using System.Text.Json.Nodes;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock sandbox-probe</c> (hidden): the worker self-test. Run inside the sandbox (the tests and
/// docs/security/sandbox.md do it with the evaluation's own bubblewrap arguments), it reports what the worker can reach:
/// whether a file can be read, the network interfaces of its namespace (sockets are tested from outside the tool,
/// which opens none except through NetworkGate), and the
/// environment variable names it sees. One JSON object on stdout; always exit 0 (the caller judges).</summary>
internal static class SandboxProbeCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string[]> read = new("--read") { Description = "Try to read this file (repeatable)" };
        var command = new Command("sandbox-probe", "Report what this process can reach (the sandbox self-test)") { read };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var reads = new JsonObject();
            foreach (string path in parse.GetValue(read) ?? [])
            {
                reads[path] = TryRead(path);
            }
            var interfaces = new JsonArray();
            foreach (string name in InterfaceNames())
            {
                interfaces.Add(name);
            }
            var names = new JsonArray();
            foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Order(StringComparer.Ordinal))
            {
                names.Add(name);
            }
            console.Out.WriteLine(new JsonObject { ["read"] = reads, ["interfaces"] = interfaces, ["environment"] = names }
                .ToJsonString());
            return 0;
        });
        return command;
    }

    /// <summary>The network interfaces of this process's network namespace (<c>/proc/net/dev</c>; a fresh namespace
    /// has only <c>lo</c>, down).</summary>
    private static List<string> InterfaceNames()
    {
        var names = new List<string>();
        try
        {
            foreach (string line in File.ReadLines("/proc/net/dev"))
            {
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    names.Add(line[..colon].Trim());
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            names.Add($"error: {e.GetType().Name}");
        }
        return names;
    }

    private static string TryRead(string path)
    {
        try
        {
            return $"ok: {File.ReadAllBytes(path).Length} bytes";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"error: {e.GetType().Name}";
        }
    }
}
