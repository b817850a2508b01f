using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock sandbox-probe</c> (hidden): the worker self-test. Run inside the sandbox (the tests and
/// docs/security/sandbox.md do it with the evaluation's own bubblewrap arguments), it reports what the worker can reach:
/// whether a file can be read, whether a TCP connection can be opened, the network interfaces of its namespace, and the
/// environment variable names it sees. One JSON object on stdout; always exit 0 (the caller judges).</summary>
internal static class SandboxProbeCommand
{
    public static Command Create(CliConsole console)
    {
        Option<string[]> read = new("--read") { Description = "Try to read this file (repeatable)" };
        Option<string[]> connect = new("--connect") { Description = "Try to open a TCP connection to HOST:PORT (repeatable)" };
        var command = new Command("sandbox-probe", "Report what this process can reach (the sandbox self-test)") { read, connect };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var reads = new JsonObject();
            foreach (string path in parse.GetValue(read) ?? [])
            {
                reads[path] = TryRead(path);
            }
            var connects = new JsonObject();
            foreach (string target in parse.GetValue(connect) ?? [])
            {
                connects[target] = TryConnect(target);
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
            console.Out.WriteLine(new JsonObject { ["read"] = reads, ["connect"] = connects, ["interfaces"] = interfaces, ["environment"] = names }
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

    private static string TryConnect(string target)
    {
        int colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target[(colon + 1)..], out int port))
        {
            return "error: expected HOST:PORT";
        }
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            client.ConnectAsync(target[..colon], port, timeout.Token).AsTask().GetAwaiter().GetResult();
            return "ok: connected";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return $"error: {(e is SocketException s ? s.SocketErrorCode.ToString() : e.GetType().Name)}";
        }
    }
}
