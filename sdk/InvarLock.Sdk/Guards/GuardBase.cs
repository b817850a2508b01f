using System.Text.Json;
using System.Text.Json.Nodes;

namespace InvarLock.Sdk.Guards;

/// <summary>An optional base for guards that keeps the <see cref="IGuard"/> contract the way the first-party guards do:
/// one policy parser shared by <see cref="CheckPolicy"/> and <see cref="Prepare"/>, and validation that fails closed
/// when the guard was not prepared.</summary>
/// <typeparam name="TPolicy">The guard's parsed policy (typically an immutable options record).</typeparam>
/// <remarks>
/// <para><see cref="CheckPolicy"/> and <see cref="Prepare"/> both read the section through <see cref="ParsePolicy"/>
/// and then reject keys it did not read (<see cref="PolicyReader.RejectUnknownKeys"/>), so a bad value or a misspelt
/// key is IL1002 (exit code 2) before any model is loaded, never a guard crash.</para>
/// <para><see cref="Validate"/> calls <see cref="ValidateCore"/> only after a <see cref="Prepare"/> that returned
/// <see cref="GuardPrepared.Ready"/> true. Otherwise it returns a failed outcome with <see cref="GuardAction.Abort"/>
/// and one violation <see cref="NotPreparedCode"/>: a guard that could not measure the baseline cannot vouch for the
/// subject. When <see cref="GuardPrepared.Details"/> holds a string <c>reason</c>, the violation's message quotes it.</para>
/// </remarks>
public abstract class GuardBase<TPolicy> : IGuard, IPolicyCheckingGuard
{
    /// <summary>The violation code of a validation without a successful preparation.</summary>
    public const string NotPreparedCode = "not_prepared";

    private TPolicy? _policy;
    private GuardPrepared? _prepared;

    /// <inheritdoc />
    public abstract PluginDescriptor Descriptor { get; }

    /// <summary>The key path of this guard's policy section, used in IL1002 messages. Defaults to
    /// <c>guards.&lt;Descriptor.Name&gt;</c>, the path the host resolves sections from.</summary>
    protected virtual string PolicyPath => "guards." + Descriptor.Name;

    /// <summary>Parses the policy section: read every key the guard knows from <paramref name="policy"/> (range-checked,
    /// with fallbacks). Unknown keys are rejected afterwards by the base.</summary>
    /// <param name="policy">A reader over this guard's resolved section.</param>
    /// <returns>The parsed policy.</returns>
    /// <exception cref="Errors.InvarLockException">With <see cref="Errors.ErrorCodes.InvalidPolicy"/>: a bad value
    /// (the <see cref="PolicyReader"/> reads throw it).</exception>
    protected abstract TPolicy ParsePolicy(PolicyReader policy);

    /// <summary>Captures what the guard needs from the baseline; called by <see cref="Prepare"/> with the parsed policy.</summary>
    /// <param name="context">The baseline context.</param>
    /// <param name="policy">The parsed policy.</param>
    /// <returns>The preparation record; <see cref="GuardPrepared.Ready"/> false makes validation fail closed.</returns>
    protected abstract GuardPrepared PrepareCore(GuardContext context, TPolicy policy);

    /// <summary>Checks the subject; called by <see cref="Validate"/> only after a successful preparation.</summary>
    /// <param name="context">The subject context.</param>
    /// <param name="policy">The policy parsed in <see cref="Prepare"/>.</param>
    /// <returns>The outcome.</returns>
    protected abstract GuardOutcome ValidateCore(GuardContext context, TPolicy policy);

    /// <summary>Parses <paramref name="policy"/> exactly as <see cref="Prepare"/> does: <see cref="ParsePolicy"/>, then
    /// <see cref="PolicyReader.RejectUnknownKeys"/>.</summary>
    /// <param name="policy">This guard's resolved section.</param>
    /// <returns>The parsed policy.</returns>
    /// <exception cref="Errors.InvarLockException">With <see cref="Errors.ErrorCodes.InvalidPolicy"/>: a bad value or an
    /// unknown key.</exception>
    public TPolicy ReadPolicy(JsonElement policy) => PolicyReader.Read(PolicyPath, policy, ParsePolicy);

    /// <inheritdoc />
    public void CheckPolicy(JsonElement policy) => ReadPolicy(policy);

    /// <inheritdoc />
    public GuardPrepared Prepare(GuardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _prepared = null;
        _policy = ReadPolicy(context.Policy);
        GuardPrepared prepared = PrepareCore(context, _policy);
        ArgumentNullException.ThrowIfNull(prepared, nameof(PrepareCore));
        _prepared = prepared;
        return prepared;
    }

    /// <inheritdoc />
    public GuardOutcome Validate(GuardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_prepared is not { Ready: true })
        {
            return NotPrepared(_prepared);
        }
        return ValidateCore(context, _policy!);
    }

    private GuardOutcome NotPrepared(GuardPrepared? prepared)
    {
        string why = prepared is null ? "was not prepared on the baseline" : "could not prepare on the baseline";
        string? reason = prepared?.Details?["reason"] is JsonValue v && v.TryGetValue(out string? r) ? r : null;
        string message = $"{Descriptor.Name} guard {why}{(reason is null ? "" : $" ({reason})")}";
        var details = new JsonObject { ["prepared"] = false };
        if (reason is not null)
        {
            details["reason"] = reason;
        }
        return new GuardOutcome(false, GuardAction.Abort, [new GuardViolation(NotPreparedCode, message)],
            new Dictionary<string, double>(), details);
    }
}
