using System.Text.Json.Nodes;

namespace InvarLock.Sdk.Guards;

/// <summary>What a guard ships about its own policy, registered beside its factory with
/// <see cref="Plugins.IPluginRegistrar.AddGuard(PluginDescriptor, Func{IGuard}, IGuardPolicyProvider)"/>: its default
/// section per tier and profile, the id of its gate, and which policy key each of its findings points at. The host
/// knows no guard by name; everything it says about a guard's policy comes from here.</summary>
/// <remarks>Implementations must be stateless and deterministic: the resolver calls <see cref="DefaultPolicy"/> once per
/// run and <c>verify</c>, <c>explain</c> and the HTML report call the other members long after the run.</remarks>
public interface IGuardPolicyProvider
{
    /// <summary>The id of the gate that reports this guard's pass/fail (for example <c>spectral_stable</c>). A guard
    /// registered without a provider gets <c>&lt;name&gt;_pass</c>.</summary>
    string GateId { get; }

    /// <summary>This guard's default policy section for <paramref name="tier"/> (balanced, conservative, aggressive)
    /// under <paramref name="profile"/> (dev, ci, ci_cpu, release), profile adjustments already applied. It becomes
    /// <c>guards.&lt;name&gt;</c> of the resolved policy, below the config root, edit adjustments, preset and
    /// <c>--policy</c> overrides. Return a new object each call; an empty object means "no defaults".</summary>
    JsonObject DefaultPolicy(string tier, string profile);

    /// <summary>The key, relative to <c>guards.&lt;name&gt;</c>, that holds the threshold <paramref name="violation"/>
    /// crossed (for example <c>family_caps.ffn.kappa</c>), or null when the finding points at the whole section.
    /// <paramref name="details"/> is the guard's reported details (null when it has none), for findings whose key
    /// depends on what the guard measured.</summary>
    string? PolicyKeyFor(GuardViolation violation, JsonNode? details);
}
