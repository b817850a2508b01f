namespace InvarLock.Core.Reporting.Gates;

/// <summary>One gate's decision.</summary>
/// <param name="Id">Stable id (also the key in the report's <c>validation</c> map).</param>
/// <param name="Description">What the gate checks, in a reviewer's words.</param>
/// <param name="Gating">True when a failure fails the verdict (strict-only gates are informational in dev).</param>
/// <param name="Evaluated">False when the gate had nothing to check (it then passes).</param>
/// <param name="Passed">The outcome.</param>
/// <param name="Value">The measured value, when numeric.</param>
/// <param name="Threshold">The limit it was compared with, when numeric.</param>
/// <param name="Comparison">How value and threshold compare for a pass (<c>&lt;=</c>, <c>&gt;=</c>, <c>==</c>, <c>in</c>, <c>none</c>).</param>
/// <param name="Reason">Why it passed or failed, in one sentence.</param>
/// <param name="PolicySource">The resolved-policy line or profile rule the threshold came from.</param>
public sealed record GateResult(string Id, string Description, bool Gating, bool Evaluated, bool Passed, double? Value, double? Threshold,
    string Comparison, string Reason, string PolicySource);
