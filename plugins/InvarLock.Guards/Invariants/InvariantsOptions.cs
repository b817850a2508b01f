using System.Text.Json;
using InvarLock.Guards.Common;
using InvarLock.Sdk.Guards;

namespace InvarLock.Guards.Invariants;

/// <summary>The invariants guard's policy (guards.md §2): strictness, the action on failure, and profile checks.</summary>
/// <param name="StrictMode">When true, missing norms and any changed invariant are fatal, not warnings.</param>
/// <param name="OnFail">Action for a failure: <see cref="GuardAction.Warn"/> (fatal findings then abort), Rollback or Abort.</param>
/// <param name="ProfileChecks">Extra named checks (<c>causal_masking</c>, <c>mlm_mask_alignment</c>, <c>rotary_embedding</c>);
/// null means the architecture's default list.</param>
internal sealed record InvariantsOptions(bool StrictMode, GuardAction OnFail, IReadOnlyList<string>? ProfileChecks)
{
    public static InvariantsOptions Default { get; } = new(false, GuardAction.Warn, null);

    public static InvariantsOptions Parse(JsonElement policy)
    {
        var section = new PolicySection("guards.invariants", policy);
        bool strict = section.Boolean("strict_mode", Default.StrictMode);
        string onFail = section.Choice("on_fail", "warn", "warn", "rollback", "abort");
        IReadOnlyList<string>? checks = section.Has("profile_checks") ? section.StringList("profile_checks") ?? [] : null;
        GuardAction action = onFail switch
        {
            "rollback" => GuardAction.Rollback,
            "abort" => GuardAction.Abort,
            _ => GuardAction.Warn,
        };
        InvariantsOptions result = new InvariantsOptions(strict, action, checks);
        section.RejectUnknownKeys();
        return result;
    }
}
