namespace InvarLock.Core.Reporting.Gates;

/// <summary>The run's verdict: pass when every gating gate passed.</summary>
/// <param name="Passed">True when nothing gating failed.</param>
/// <param name="FailedGates">Ids of the gating gates that failed, in gate order.</param>
/// <param name="Reasons">One sentence per failed gate.</param>
/// <param name="Warnings">One sentence per failed non-gating gate (dev-profile pairing problems, tail warnings).</param>
public sealed record Verdict(bool Passed, IReadOnlyList<string> FailedGates, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);
