using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>A guard after <see cref="GuardPrepareStage"/>: its prepare result, or the error that fails it closed.</summary>
internal sealed record PreparedGuard(string Name, IGuard Guard, GuardPrepared? Prepared, string? Error, double Seconds);
