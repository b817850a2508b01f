namespace InvarLock.Sdk.Guards;

/// <summary>A guard: prepares on the baseline, then validates the subject. One instance serves one run.</summary>
/// <remarks>A guard that throws fails closed: the runner records the error and treats it as an abort.</remarks>
public interface IGuard
{
    /// <summary>The guard's name and version.</summary>
    PluginDescriptor Descriptor { get; }

    /// <summary>Captures what the guard needs from the baseline model (statistics, structure).</summary>
    GuardPrepared Prepare(GuardContext context);

    /// <summary>Checks the subject model against what <see cref="Prepare"/> captured.</summary>
    GuardOutcome Validate(GuardContext context);
}
