using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using InvarLock.Cli.Sandbox;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Sandbox;

/// <summary>The sandbox's walls, probed from inside with the worker self-test (<c>sandbox-probe</c>) run under exactly
/// the bubblewrap arguments an evaluation uses (<see cref="BubblewrapSandbox.Arguments"/>). Each wall is first shown to
/// be reachable from the host, so a probe that could not reach anything would fail the test. CI installs bubblewrap
/// (test.sh); without it these tests fail and say so.</summary>
public sealed class BubblewrapSandboxTests : IDisposable
{
    private readonly TempFolder _temp = new("invarlock-sandbox");

    public void Dispose() => _temp.Dispose();

    private static BubblewrapSandbox RequireSandbox()
    {
        BubblewrapSandbox? sandbox = BubblewrapSandbox.Probe(new Dictionary<string, string?> { ["PATH"] = "/usr/bin:/bin" }, out string? problem);
        Assert.True(sandbox is not null, $"the sandbox tests need bubblewrap (test.sh installs it): {problem}");
        return sandbox!;
    }

    /// <summary>Runs the probe in the sandbox with the product's runtime folders plus <paramref name="inputs"/>.</summary>
    private JsonObject ProbeInSandbox(IReadOnlyList<string> inputs, IReadOnlyDictionary<string, string?> environment, params string[] probeArgs)
    {
        BubblewrapSandbox sandbox = RequireSandbox();
        (string host, string tool, IReadOnlyList<string> runtime) = BubblewrapSandbox.WorkerRuntime();
        string staging = _temp.Combine("staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        SandboxResult result = sandbox.Run([host, tool, "sandbox-probe", .. probeArgs], new SandboxMounts([.. runtime, .. inputs], staging), environment);
        Assert.True(result.ExitCode == 0, $"probe exit {result.ExitCode}\n{result.Output}\n{result.Error}");
        return JsonNode.Parse(result.Output)!.AsObject();
    }

    private static JsonObject ProbeOnHost(params string[] probeArgs)
    {
        var (exit, stdout, stderr) = CliRun.Invoke(["sandbox-probe", .. probeArgs]);
        Assert.True(exit == 0, stderr);
        return JsonNode.Parse(stdout)!.AsObject();
    }

    [Fact]
    public void SocketInSandbox_TcpConnectToListeningHostPort_FailsWithOnlyLoopbackInterface()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using (var client = new TcpClient())
        {
            client.Connect(IPAddress.Loopback, port);
            Assert.True(client.Connected);
        }
        BubblewrapSandbox sandbox = RequireSandbox();
        string staging = _temp.Combine("staging-socket");
        Directory.CreateDirectory(staging);
        // The tool opens no socket outside NetworkGate, so the socket probe is a Python one-liner run under the
        // evaluation's own bwrap arguments.
        string script = "import socket\nfor host in ('127.0.0.1', '1.1.1.1'):\n    s = socket.socket()\n    s.settimeout(5)\n" +
            "    try:\n        s.connect((host, " + port + " if host == '127.0.0.1' else 443)); print(host, 'connected')\n" +
            "    except OSError as e:\n        print(host, 'error', e.errno)\n";

        SandboxResult result = sandbox.Run(["/usr/bin/python3", "-c", script], new SandboxMounts([], staging), new Dictionary<string, string?>());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("127.0.0.1 error", result.Output);
        Assert.Contains("1.1.1.1 error", result.Output);
        Assert.DoesNotContain("connected", result.Output);
        JsonObject inside = ProbeInSandbox([], new Dictionary<string, string?>());
        Assert.All(inside["interfaces"]!.AsArray(), name => Assert.Equal("lo", name!.GetValue<string>()));
    }

    [Fact]
    public void SandboxProbe_SymlinkInModelFolderPointingOutside_TargetUnreadable()
    {
        string outside = _temp.Combine("outside");
        Directory.CreateDirectory(outside);
        string secret = Path.Combine(outside, "secret.txt");
        File.WriteAllText(secret, "not for the worker");
        string model = _temp.Combine("model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "config.json"), "{}");
        string link = Path.Combine(model, "tokenizer.json");
        File.CreateSymbolicLink(link, secret);
        Assert.StartsWith("ok:", ProbeOnHost("--read", link)["read"]![link]!.GetValue<string>());

        JsonObject inside = ProbeInSandbox([model], new Dictionary<string, string?>(), "--read", link, "--read", Path.Combine(model, "config.json"),
            "--read", secret);

        Assert.StartsWith("error:", inside["read"]![link]!.GetValue<string>());
        Assert.StartsWith("error:", inside["read"]![secret]!.GetValue<string>());
        Assert.StartsWith("ok:", inside["read"]![Path.Combine(model, "config.json")]!.GetValue<string>());
    }

    [Fact]
    public void SandboxProbe_SecretsInParentEnvironment_NotVisibleInWorker()
    {
        var environment = new Dictionary<string, string?>
        {
            ["HF_TOKEN"] = "hf_secret",
            ["GITHUB_TOKEN"] = "ghp_secret",
            ["AWS_ACCESS_KEY_ID"] = "AKIA",
            ["AWS_SECRET_ACCESS_KEY"] = "secret",
            ["INVARLOCK_SIGNING_PASSWORD"] = "pfx-password",
            ["SSH_AUTH_SOCK"] = "/tmp/agent",
            ["INVARLOCK_ALLOW_NETWORK"] = "0",
            ["DOTNET_TieredPGO"] = "1",
        };

        JsonObject inside = ProbeInSandbox([], environment);

        var names = inside["environment"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("INVARLOCK_ALLOW_NETWORK", names);
        Assert.Contains("DOTNET_TieredPGO", names);
        Assert.DoesNotContain(names, n => n.Contains("TOKEN", StringComparison.Ordinal) || n.StartsWith("AWS_", StringComparison.Ordinal)
            || n == "INVARLOCK_SIGNING_PASSWORD" || n == "SSH_AUTH_SOCK");
        Assert.Contains("HOME", names);
    }

    [Fact]
    public void WorkerEnvironment_MixedVariables_KeepsOnlyAllowListWithoutSecrets()
    {
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = "/usr/bin",
            ["HOME"] = "/root",
            ["HF_HOME"] = "/cache/hf",
            ["HF_TOKEN"] = "x",
            ["INVARLOCK_HOME"] = "/etc/invarlock",
            ["INVARLOCK_API_KEY"] = "x",
            ["DOTNET_ROOT"] = "/usr/share/dotnet",
        };

        SortedDictionary<string, string> kept = BubblewrapSandbox.WorkerEnvironment(environment);

        Assert.Equal(["DOTNET_ROOT", "HF_HOME", "INVARLOCK_HOME"], kept.Keys);
    }

    [Fact]
    public void Arguments_AnyMounts_UnshareNetworkClearEnvironmentAndBindInputsReadOnly()
    {
        string model = _temp.Combine("m");
        List<string> args = BubblewrapSandbox.Arguments(new SandboxMounts([model], _temp.Path), new Dictionary<string, string?>());

        Assert.Contains("--unshare-net", args);
        Assert.Contains("--unshare-pid", args);
        Assert.Contains("--clearenv", args);
        int ro = args.IndexOf(model);
        Assert.Equal("--ro-bind", args[ro - 1]);
        int rw = args.IndexOf("--bind");
        Assert.Equal(_temp.Path, args[rw + 1]);
        Assert.Equal("--", args[^1]);
        Assert.DoesNotContain("/root", args);
    }
}
