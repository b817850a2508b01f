using System.Text.Json.Nodes;
using InvarLock.Guards.Common;
using InvarLock.Sdk.Guards;

namespace InvarLock.Guards.Policy;

/// <summary>The policy providers of the first-party guards: gate ids and finding → policy key maps.</summary>
internal static class GuardPolicies
{
    public static FirstPartyGuardPolicy Invariants { get; } = new(GuardDescriptors.Invariants.Name, "invariants_pass", (_, _) => null);

    public static FirstPartyGuardPolicy Spectral { get; } = new(GuardDescriptors.Spectral.Name, "spectral_stable", (v, details) => v.Code switch
    {
        "family_z_cap" => $"family_caps.{SpectralFamily(v, details) ?? "<family>"}.kappa",
        "max_spectral_norm" => "max_spectral_norm",
        "degeneracy_stable_rank_drop" or "degeneracy_norm_collapse" => "degeneracy",
        _ => null,
    });

    public static FirstPartyGuardPolicy Rmt { get; } = new(GuardDescriptors.Rmt.Name, "rmt_stable", (v, _) => v.Code switch
    {
        "epsilon_band" => $"epsilon_by_family.{v.Module ?? "<family>"}",
        "activation_required" => "activation_required",
        _ => null,
    });

    public static FirstPartyGuardPolicy Variance { get; } = new(GuardDescriptors.Variance.Name, "variance_stable", (v, _) => v.Code switch
    {
        "variance_calibration" => "calibration.min_coverage",
        _ => null,
    });

    /// <summary>The spectral family of the finding's module, from the guard's details (findings carry module and family).</summary>
    private static string? SpectralFamily(GuardViolation violation, JsonNode? details) =>
        violation.Module is null || details is null ? null : FindFamily(details, violation.Module, violation.Code, depth: 0);

    private static string? FindFamily(JsonNode? node, string module, string code, int depth)
    {
        if (depth > 8 || node is null)
        {
            return null;
        }
        if (node is JsonObject obj)
        {
            if (obj["module"] is JsonValue m && m.TryGetValue(out string? mod) && mod == module
                && obj["family"] is JsonValue f && f.TryGetValue(out string? family)
                && (obj["type"] is not JsonValue t || !t.TryGetValue(out string? type) || type == code))
            {
                return family;
            }
            foreach (KeyValuePair<string, JsonNode?> child in obj)
            {
                if (FindFamily(child.Value, module, code, depth + 1) is string found)
                {
                    return found;
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (JsonNode? item in array)
            {
                if (FindFamily(item, module, code, depth + 1) is string found)
                {
                    return found;
                }
            }
        }
        return null;
    }
}
