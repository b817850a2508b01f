using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Pipeline;

/// <summary>One guard's run: what it prepared, what it decided, and how long it took.</summary>
/// <param name="Name">Guard name.</param>
/// <param name="Position">Index in the chain (0-based); invariants appears twice.</param>
/// <param name="Source">Package that provided it ("first-party" or a package id).</param>
/// <param name="Prepared">The prepare result (null when prepare threw).</param>
/// <param name="Outcome">The validate result; a guard that threw fails closed with Action Abort.</param>
/// <param name="Error">The error message when the guard threw.</param>
/// <param name="PrepareSeconds">Wall time of Prepare.</param>
/// <param name="ValidateSeconds">Wall time of Validate.</param>
internal sealed record GuardRecord(string Name, int Position, string Source, GuardPrepared? Prepared, GuardOutcome Outcome, string? Error,
    double PrepareSeconds, double ValidateSeconds);
