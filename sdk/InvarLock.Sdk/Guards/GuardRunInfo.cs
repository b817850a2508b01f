namespace InvarLock.Sdk.Guards;

/// <summary>Run-level facts a guard may depend on.</summary>
/// <param name="Tier">Policy tier: balanced, conservative or aggressive.</param>
/// <param name="Profile">Profile: dev, ci, ci_cpu or release.</param>
/// <param name="EditName">The edit applied to make the subject, or null when the subject was brought in.</param>
/// <param name="Seed">The run's seed.</param>
public sealed record GuardRunInfo(string Tier, string Profile, string? EditName, int Seed);
