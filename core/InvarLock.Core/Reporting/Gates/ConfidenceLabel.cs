namespace InvarLock.Core.Reporting.Gates;

/// <summary>The non-gating confidence label (evaluation.md §5.9).</summary>
/// <param name="Label">High, Medium or Low.</param>
/// <param name="Basis">What the width measures (<c>ppl_ratio</c>).</param>
/// <param name="Width">Ratio CI upper − lower (null without an interval).</param>
/// <param name="Threshold">Width for High; 2× for Medium.</param>
/// <param name="Unstable">Replicates below 200 or tokens below the tier's min_tokens.</param>
public sealed record ConfidenceLabel(string Label, string Basis, double? Width, double Threshold, bool Unstable);
