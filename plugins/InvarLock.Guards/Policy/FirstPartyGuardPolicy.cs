using System.Text.Json.Nodes;
using InvarLock.Sdk.Guards;

namespace InvarLock.Guards.Policy;

/// <summary>What a first-party guard ships about its policy: defaults from <see cref="GuardPolicyData"/>, its gate id,
/// and the policy key behind each finding code.</summary>
/// <param name="Guard">The guard's name (its key in the policy data).</param>
/// <param name="GateId">The gate that reports the guard.</param>
/// <param name="Keys">Finding → key relative to the guard's section, or null for the section itself.</param>
internal sealed record FirstPartyGuardPolicy(string Guard, string GateId, Func<GuardViolation, JsonNode?, string?> Keys)
    : IGuardPolicyProvider
{
    /// <inheritdoc />
    public JsonObject DefaultPolicy(string tier, string profile) => GuardPolicyData.Section(Guard, tier, profile);

    /// <inheritdoc />
    public string? PolicyKeyFor(GuardViolation violation, JsonNode? details)
    {
        ArgumentNullException.ThrowIfNull(violation);
        return Keys(violation, details);
    }
}
