using System.CommandLine;
using System.Text.Json.Nodes;
using InvarLock.Core.Plugins;
using InvarLock.Core.Security;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Core;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock doctor [--json] [--out DIR]</c>: checks the installation. Each check has a stable id and a
/// pass / warn / fail status; the exit code is 1 when any check fails, else 0. Runs no plugin code and opens no sockets.</summary>
internal static class DoctorCommand
{
    /// <summary>Stable check ids.</summary>
    internal static class CheckIds
    {
        public const string Runtime = "runtime";
        public const string Compute = "compute.backend";
        public const string PluginsFolder = "plugins.folder";
        public const string TrustList = "plugins.trust_list";
        public const string PluginPrefix = "plugins.package:";
        public const string Environment = "environment.flags";
        public const string Output = "output.folder";
        public const string ChecklistNetwork = "checklist.network";
        public const string ChecklistRuntime = "checklist.runtime";
        public const string ChecklistSbom = "checklist.sbom";
        public const string ChecklistLocked = "checklist.locked_dependencies";
        public const string ChecklistAudit = "checklist.audit";
        public const string ChecklistSandbox = "checklist.sandbox";
    }

    public static Command Create(IServiceProvider services, CliConsole console)
    {
        Option<bool> json = new("--json") { Description = "Print one JSON object" };
        Option<DirectoryInfo> output = new("--out") { Description = "Output folder to check for writability", DefaultValueFactory = _ => new DirectoryInfo("invarlock-out") };
        var command = new Command("doctor", "Check the runtime, compute backend, plugins, trust list, environment flags, output folder and the deployment checklist") { json, output };
        command.SetAction(parse =>
        {
            List<Check> checks = Run(services, parse.GetValue(output)!.FullName);
            int fails = checks.Count(c => c.Status == "fail");
            if (parse.GetValue(json))
            {
                var items = new JsonArray();
                foreach (Check c in checks)
                {
                    items.Add(new JsonObject { ["id"] = c.Id, ["status"] = c.Status, ["message"] = c.Message });
                }
                console.Out.WriteLine(new JsonObject
                {
                    ["format"] = "doctor-v1",
                    ["checks"] = items,
                    ["summary"] = new JsonObject
                    {
                        ["pass"] = checks.Count(c => c.Status == "pass"),
                        ["warn"] = checks.Count(c => c.Status == "warn"),
                        ["fail"] = fails,
                    },
                }.ToJsonString());
            }
            else
            {
                foreach (Check c in checks)
                {
                    console.Out.WriteLine($"[{c.Status.ToUpperInvariant(),-4}] {c.Id}: {c.Message}");
                }
                console.Out.WriteLine(fails == 0 ? "doctor: no failures" : $"doctor: {fails} check(s) failed");
            }
            return fails == 0 ? ExitCodes.Success : ExitCodes.GateFailed;
        });
        return command;
    }

    internal static List<Check> Run(IServiceProvider services, string outputDirectory)
    {
        IReadOnlyDictionary<string, string?> env = CliEnvironment.Of(services);
        var checks = new List<Check>
        {
            new(CheckIds.Runtime, "pass", $"{ToolInfo.Runtime}; invarlock {ToolInfo.Version}; sdk {SdkInfo.Version}"),
            new(CheckIds.Compute, "pass", Compute.ComputeEnvironment.Describe().ToString()),
        };
        var host = new PluginHost(PluginHostOptions.FromEnvironment(env));
        string pluginsDir = host.Options.PluginsDirectory;
        checks.Add(Directory.Exists(pluginsDir)
            ? new Check(CheckIds.PluginsFolder, "pass", $"{pluginsDir} ({host.Installer.ListInstalled().Count} installed)")
            : new Check(CheckIds.PluginsFolder, "pass", $"{pluginsDir} (absent: no third-party plugins installed)"));
        try
        {
            int signers = host.Trust.List().Count;
            string? problem = host.Trust.CheckPermissions();
            checks.Add(problem is not null
                ? new Check(CheckIds.TrustList, "fail", problem)
                : new Check(CheckIds.TrustList, "pass", $"{host.Trust.Path} ({signers} trusted signer(s))"));
        }
        catch (InvarLockException e)
        {
            checks.Add(new Check(CheckIds.TrustList, "fail", e.Message));
        }
        try
        {
            foreach (PluginInspection p in host.Inspect())
            {
                string status = p.Status switch { PluginStatus.Enabled => "pass", PluginStatus.Disabled => "warn", _ => "fail" };
                checks.Add(new Check(CheckIds.PluginPrefix + p.Id, status, $"{p.Id} {p.Version}: {p.StatusText}"));
            }
        }
        catch (InvarLockException e)
        {
            checks.Add(new Check(CheckIds.PluginPrefix + "*", "fail", e.Message));
        }
        checks.Add(EnvironmentCheck(env));
        checks.Add(OutputCheck(outputDirectory));
        checks.AddRange(DeploymentChecklist.Run(env));
        return checks;
    }

    private static Check EnvironmentCheck(IReadOnlyDictionary<string, string?> env)
    {
        var set = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach ((string key, string? value) in env)
        {
            if (key.StartsWith("INVARLOCK_", StringComparison.Ordinal))
            {
                set[key] = value;
            }
        }
        IReadOnlyDictionary<string, string?> shown = SecretRedactor.RedactAll(set);
        string list = shown.Count == 0 ? "none set (safe defaults)" : string.Join(", ", shown.Select(kv => $"{kv.Key}={kv.Value}"));
        var relaxed = new List<string>();
        if (EnvironmentFlags.IsSet(env, EnvironmentFlags.AllowNetwork))
        {
            relaxed.Add("network access allowed");
        }
        if (EnvironmentFlags.IsSet(env, EnvironmentFlags.AllowRemoteCode))
        {
            relaxed.Add("model folders asking for custom code are read (their code is never run)");
        }
        if (EnvironmentFlags.IsSet(env, EnvironmentFlags.AllowThirdPartyPlugins))
        {
            relaxed.Add("signed third-party plugins from trusted signers load");
        }
        return relaxed.Count == 0
            ? new Check(CheckIds.Environment, "pass", list)
            : new Check(CheckIds.Environment, "warn", $"{list}; relaxed: {string.Join("; ", relaxed)}");
    }

    private static Check OutputCheck(string outputDirectory)
    {
        try
        {
            string full = OutputPathValidator.ValidateOutputDirectory(outputDirectory);
            string probeDir = full;
            while (!Directory.Exists(probeDir))
            {
                probeDir = Path.GetDirectoryName(probeDir) ?? throw new IOException("no existing parent folder");
            }
            string probe = Path.Combine(probeDir, $".invarlock-doctor-{Guid.NewGuid():N}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
            return new Check(CheckIds.Output, "pass", Directory.Exists(full) ? $"{full} is writable" : $"{full} can be created in {probeDir}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvarLockException)
        {
            return new Check(CheckIds.Output, "fail", $"{outputDirectory}: not writable ({e.Message})");
        }
    }

    internal sealed record Check(string Id, string Status, string Message);
}
