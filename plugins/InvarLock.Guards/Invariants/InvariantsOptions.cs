using System.Text.Json;
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

    /// <summary>Parses a whole section (<see cref="Read"/>, then unknown keys are rejected).</summary>
    public static InvariantsOptions Parse(JsonElement policy) => PolicyReader.Read("guards.invariants", policy, Read);

    /// <summary>Reads every key of the section from <paramref name="section"/>: the guard's
    /// <see cref="GuardBase{TPolicy}.ParsePolicy"/> hook.</summary>
    public static InvariantsOptions Read(PolicyReader section)
    {
        ArgumentNullException.ThrowIfNull(section);
        bool strict = section.Boolean("strict_mode", Default.StrictMode);
        string onFail = section.Choice("on_fail", "warn", "warn", "rollback", "abort");
        IReadOnlyList<string>? checks = section.Has("profile_checks") ? section.StringList("profile_checks") ?? [] : null;
        GuardAction action = onFail switch
        {
            "rollback" => GuardAction.Rollback,
            "abort" => GuardAction.Abort,
            _ => GuardAction.Warn,
        };
        return new InvariantsOptions(strict, action, checks);
    }
}
