using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Verification;

namespace InvarLock.Cli;

/// <summary>The supply-chain files shipped beside the installed tool by <c>.ci/supply-chain</c>: the CycloneDX SBOM
/// (<c>sbom.cdx.json</c>) and the dependency audit (<c>dependency-audit.json</c>). <c>INVARLOCK_SBOM</c> names another
/// SBOM (the audit is then read beside it).</summary>
internal static class SupplyChainFiles
{
    /// <summary>The environment variable that names the SBOM.</summary>
    public const string SbomVariable = "INVARLOCK_SBOM";

    /// <summary>The audit's file name.</summary>
    public const string AuditName = "dependency-audit.json";

    /// <summary>The SBOM to use, or null when there is none.</summary>
    public static string? Sbom(IReadOnlyDictionary<string, string?> environment)
    {
        if (environment.TryGetValue(SbomVariable, out string? named) && !string.IsNullOrWhiteSpace(named))
        {
            return Path.GetFullPath(named);
        }
        string beside = Path.Combine(AppContext.BaseDirectory, EvidenceBundle.SbomName);
        return File.Exists(beside) ? beside : null;
    }

    /// <summary>The dependency audit beside <paramref name="sbom"/>.</summary>
    public static string Audit(string sbom) => Path.Combine(Path.GetDirectoryName(sbom) ?? ".", AuditName);

    /// <summary>The SBOM's components as name → version (packages and project references alike).</summary>
    /// <exception cref="JsonException">The file is not a CycloneDX JSON document.</exception>
    public static Dictionary<string, string> Components(string sbom)
    {
        JsonNode root = JsonNode.Parse(File.ReadAllBytes(sbom)) ?? throw new JsonException("empty document");
        if ((string?)root["bomFormat"] != "CycloneDX")
        {
            throw new JsonException("bomFormat is not CycloneDX");
        }
        var components = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (JsonNode? c in root["components"] as JsonArray ?? [])
        {
            if ((string?)c?["name"] is { } name)
            {
                components[name] = (string?)c["version"] ?? "";
            }
        }
        return components;
    }
}
