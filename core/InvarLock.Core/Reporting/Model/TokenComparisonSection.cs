namespace InvarLock.Core.Reporting.Model;

/// <summary>Secondary metrics: how far the subject's next-token distributions moved from the baseline's on the final arm.</summary>
/// <param name="Method">How the figures were obtained.</param>
/// <param name="Arm">The arm compared (<c>final</c>).</param>
/// <param name="Tokens">Predictions compared.</param>
/// <param name="Kl">KL(baseline ‖ subject) per prediction.</param>
/// <param name="Top1">Agreement of the two models' argmax tokens.</param>
public sealed record TokenComparisonSection(string Method, string Arm, long Tokens, KlDivergenceSection Kl, Top1AgreementSection Top1);
