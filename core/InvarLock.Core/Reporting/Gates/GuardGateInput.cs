namespace InvarLock.Core.Reporting.Gates;

/// <summary>What the gates need from one guard record.</summary>
/// <param name="Name">Guard name (invariants may appear twice).</param>
/// <param name="Passed">The guard's outcome.</param>
/// <param name="Action"><c>none</c>, <c>warn</c>, <c>rollback</c> or <c>abort</c>.</param>
/// <param name="Error">The error message when the guard threw.</param>
/// <param name="Violations">Number of findings.</param>
public sealed record GuardGateInput(string Name, bool Passed, string Action, string? Error, int Violations);
