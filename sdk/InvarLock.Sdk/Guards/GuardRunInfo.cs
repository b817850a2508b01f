namespace InvarLock.Sdk.Guards;

/// <summary>Run-level facts a guard may depend on.</summary>
/// <param name="Tier">Policy tier: balanced, conservative or aggressive.</param>
/// <param name="Profile">Profile: dev, ci, ci_cpu or release.</param>
/// <param name="EditName">The edit applied to make the subject, or null when the subject was brought in.</param>
/// <param name="Seed">The run's seed.</param>
public sealed record GuardRunInfo(string Tier, string Profile, string? EditName, int Seed)
{
    /// <summary>True when the subject is graded as it is on disk (the user brought it): a guard may measure and propose,
    /// but must leave the subject's weights exactly as it found them. Repairs are allowed only on a subject the tool
    /// itself edited (<see cref="EditName"/> set); the host checks the weights digest after validation.</summary>
    public bool ObserveOnly { get; init; }
}
