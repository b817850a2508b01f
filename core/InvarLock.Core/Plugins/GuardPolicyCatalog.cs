using System.Text.Json.Nodes;
using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Plugins;

/// <summary>What the registered guards ship about their policy (<see cref="IGuardPolicyProvider"/>) and the declared
/// default chain: the resolver builds the <c>guards</c> section and <c>guard_order</c> from it, the gates take their ids
/// from it and the report views map findings to policy keys with it. Core itself knows no guard by name.</summary>
public sealed class GuardPolicyCatalog
{
    private readonly IReadOnlyList<(string Name, IGuardPolicyProvider Provider)> _providers;

    /// <summary>A catalog of the given providers (in registration order) and default chain.</summary>
    public GuardPolicyCatalog(IReadOnlyList<(string Name, IGuardPolicyProvider Provider)> providers, IReadOnlyList<string> defaultGuardOrder)
    {
        ArgumentNullException.ThrowIfNull(providers);
        ArgumentNullException.ThrowIfNull(defaultGuardOrder);
        _providers = providers;
        DefaultGuardOrder = defaultGuardOrder;
    }

    /// <summary>No guard ships policy and no chain is declared: gate ids fall back to <c>&lt;name&gt;_pass</c>.</summary>
    public static GuardPolicyCatalog Empty { get; } = new([], []);

    /// <summary>The chain a run uses when its policy sets no <c>guard_order</c> (empty when no module declared one).</summary>
    public IReadOnlyList<string> DefaultGuardOrder { get; }

    /// <summary>The guards that ship defaults, in registration order.</summary>
    public IEnumerable<string> GuardNames => _providers.Select(p => p.Name);

    /// <summary>The provider of <paramref name="guardName"/>, or null when it ships none.</summary>
    public IGuardPolicyProvider? Find(string guardName)
    {
        foreach ((string name, IGuardPolicyProvider provider) in _providers)
        {
            if (name == guardName)
            {
                return provider;
            }
        }
        return null;
    }

    /// <summary>The gate id of a guard: what its provider declares, else <c>&lt;name&gt;_pass</c>.</summary>
    public string GateId(string guardName)
    {
        ArgumentNullException.ThrowIfNull(guardName);
        return Find(guardName)?.GateId ?? FallbackGateId(guardName);
    }

    /// <summary>The gate id of a guard that ships no policy provider.</summary>
    public static string FallbackGateId(string guardName) => guardName + "_pass";

    /// <summary>The dotted policy line a finding of <paramref name="guardName"/> points at: <c>guards.&lt;name&gt;</c>
    /// plus the key its provider names, or the section itself.</summary>
    public string PolicyLine(string guardName, GuardViolation violation, JsonNode? details)
    {
        ArgumentNullException.ThrowIfNull(guardName);
        ArgumentNullException.ThrowIfNull(violation);
        string section = "guards." + guardName;
        string? key = Find(guardName)?.PolicyKeyFor(violation, details);
        return string.IsNullOrEmpty(key) ? section : section + "." + key;
    }
}
