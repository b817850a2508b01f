using InvarLock.Core.Verification;

namespace InvarLock.Fuzz.Targets;

/// <summary>A report JSON through <c>verify</c> (<see cref="ReportVerifier.Verify"/> as the CLI calls it, with the
/// first-party guard gates): the strict typed reader, digests, the runtime-manifest check and the recomputation of every
/// statistic and gate. A malformed report must come back as a <c>malformed</c> verification, never as an exception.</summary>
/// <remarks>The seeds are reports written by <c>invarlock evaluate --demo</c> (docs/security/fuzzing.md gives the
/// command), so <see cref="WriteSeeds"/> writes none of its own.</remarks>
internal sealed class ReportVerifyTarget : IFuzzTarget
{
    /// <summary>The target's name (a constant, so listing targets runs no instrumented code).</summary>
    public const string TargetName = "report";

    public string Name => TargetName;

    public void Run(byte[] input)
    {
        string path = Path.Combine(FuzzWorkspace.CleanFolder(Name), "evaluation.report.json");
        File.WriteAllBytes(path, input);
        VerifyResult result = ReportVerifier.Verify([path], null, null, FirstPartyGuards.Registry.GuardPolicies);
        if (result.Reports.Count != 1)
        {
            throw new InvalidOperationException($"verify returned {result.Reports.Count} results for one report");
        }
        _ = result.ToJsonLine();
    }

    public void WriteSeeds(string folder)
    {
    }
}
