using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Security;
using static InvarLock.Cli.Commands.DoctorCommand;

namespace InvarLock.Cli.Commands;

/// <summary>The items of the deployment checklist (docs/security/deployment-checklist.md) that <c>doctor</c> can see
/// from the installed tool: the network flag, the runtime, the SBOM shipped beside the tool, whether the assemblies
/// the tool runs are the ones the SBOM lists, the dependency audit's outcome, and the bubblewrap sandbox. Each is
/// pass or warn (fail only for an audit with open findings or an unreadable SBOM).</summary>
internal static class DeploymentChecklist
{
    public static IEnumerable<Check> Run(IReadOnlyDictionary<string, string?> env)
    {
        yield return EnvironmentFlags.IsSet(env, EnvironmentFlags.AllowNetwork)
            ? new Check(CheckIds.ChecklistNetwork, "warn", $"{EnvironmentFlags.AllowNetwork} is set: unset it for production runs")
            : new Check(CheckIds.ChecklistNetwork, "pass", $"{EnvironmentFlags.AllowNetwork} unset: the tool opens no sockets");
        yield return Environment.Version.Major >= 10
            ? new Check(CheckIds.ChecklistRuntime, "pass", $"{ToolInfo.Runtime} (.NET {Environment.Version}; 10 or later required)")
            : new Check(CheckIds.ChecklistRuntime, "warn", $"{ToolInfo.Runtime}: .NET 10 or later is required");
        string? sbom = SupplyChainFiles.Sbom(env);
        Dictionary<string, string>? components = null;
        if (sbom is null)
        {
            yield return new Check(CheckIds.ChecklistSbom, "warn",
                $"no SBOM beside the tool ({Path.Combine(AppContext.BaseDirectory, "sbom.cdx.json")}); install the package .ci/supply-chain packs, or set {SupplyChainFiles.SbomVariable}");
        }
        else
        {
            string? problem = null;
            try
            {
                components = SupplyChainFiles.Components(sbom);
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                problem = e.Message;
            }
            yield return problem is null
                ? new Check(CheckIds.ChecklistSbom, "pass", $"{sbom} (CycloneDX, {components!.Count} components)")
                : new Check(CheckIds.ChecklistSbom, "fail", $"{sbom}: not a readable CycloneDX SBOM ({problem.ReplaceLineEndings(" ")})");
        }
        yield return LockedDependencies(components);
        yield return Audit(sbom);
        yield return Sandbox(env);
    }

    /// <summary>Every package the tool resolves (its <c>invarlock.deps.json</c>, written by the locked restore it was built
    /// from) appears in the SBOM with the same version.</summary>
    private static Check LockedDependencies(Dictionary<string, string>? components)
    {
        if (components is null)
        {
            return new Check(CheckIds.ChecklistLocked, "warn", "no SBOM to compare the running assemblies with");
        }
        string first = Path.Combine(AppContext.BaseDirectory, typeof(CliApp).Assembly.GetName().Name + ".deps.json");
        if (!File.Exists(first))
        {
            return new Check(CheckIds.ChecklistLocked, "warn", $"{first} is missing: nothing to compare with the SBOM");
        }
        var differences = new List<string>();
        int packages = 0;
        try
        {
            JsonNode? libraries = JsonNode.Parse(File.ReadAllBytes(first))?["libraries"];
            foreach ((string key, JsonNode? library) in libraries as JsonObject ?? [])
            {
                if ((string?)library?["type"] != "package")
                {
                    continue;
                }
                packages++;
                int slash = key.IndexOf('/', StringComparison.Ordinal);
                string name = key[..slash], version = key[(slash + 1)..];
                if (!components.TryGetValue(name, out string? listed))
                {
                    differences.Add($"{name} {version} not in the SBOM");
                }
                else if (listed != version)
                {
                    differences.Add($"{name} {version} (SBOM: {listed})");
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return new Check(CheckIds.ChecklistLocked, "warn", $"{first}: unreadable ({e.Message.ReplaceLineEndings(" ")})");
        }
        return differences.Count == 0
            ? new Check(CheckIds.ChecklistLocked, "pass", $"the {packages} packages the tool runs are the locked versions the SBOM lists")
            : new Check(CheckIds.ChecklistLocked, "warn",
                $"{differences.Count} of {packages} packages differ from the SBOM: {string.Join(", ", differences.Take(5))}{(differences.Count > 5 ? ", ..." : "")}");
    }

    private static Check Audit(string? sbom)
    {
        string? path = sbom is null ? null : SupplyChainFiles.Audit(sbom);
        if (path is null || !File.Exists(path))
        {
            return new Check(CheckIds.ChecklistAudit, "warn", $"no {SupplyChainFiles.AuditName} beside the SBOM: the dependency audit result is unknown");
        }
        try
        {
            JsonNode? audit = JsonNode.Parse(File.ReadAllBytes(path));
            string? status = (string?)audit?["status"];
            string when = (string?)audit?["checked_at"] ?? "?";
            int open = (audit?["findings"] as JsonArray)?.Count ?? 0;
            int excepted = (audit?["excepted"] as JsonArray)?.Count ?? 0;
            return status switch
            {
                "clean" => new Check(CheckIds.ChecklistAudit, "pass", $"clean at {when} ({excepted} excepted advisory(ies))"),
                "vulnerable" => new Check(CheckIds.ChecklistAudit, "fail", $"{open} open advisory(ies) at {when}; see {path}"),
                "no-vulnerability-data" => new Check(CheckIds.ChecklistAudit, "warn",
                    $"not performed at {when}: the package source served no vulnerability data ({path})"),
                _ => new Check(CheckIds.ChecklistAudit, "warn", $"{path}: unknown status '{status}'"),
            };
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException)
        {
            return new Check(CheckIds.ChecklistAudit, "warn", $"{path}: unreadable ({e.Message.ReplaceLineEndings(" ")})");
        }
    }

    private static Check Sandbox(IReadOnlyDictionary<string, string?> env)
    {
        // The same probe evaluate uses to pick its default mode (docs/security/sandbox.md).
        InvarLock.Cli.Sandbox.BubblewrapSandbox? sandbox = InvarLock.Cli.Sandbox.BubblewrapSandbox.Probe(env, out string? problem);
        return sandbox is not null
            ? new Check(CheckIds.ChecklistSandbox, "pass", $"bubblewrap sandbox usable ({sandbox.Executable}); runtime.manifest.json records the execution mode of each run")
            : new Check(CheckIds.ChecklistSandbox, "warn", $"{problem}: evaluate falls back to host mode (the release profile refuses it)");
    }
}
