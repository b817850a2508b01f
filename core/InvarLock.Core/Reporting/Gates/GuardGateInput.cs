using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Reporting.Gates;

/// <summary>What the gates need from one guard record.</summary>
/// <param name="Name">Guard name (invariants may appear twice).</param>
/// <param name="Passed">The guard's outcome.</param>
/// <param name="Action">What the guard asked for.</param>
/// <param name="Error">The error message when the guard threw.</param>
/// <param name="Violations">Number of findings.</param>
public sealed record GuardGateInput(string Name, bool Passed, GuardAction Action, string? Error, int Violations);
