using InvarLock.Core.Plugins.Packaging;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Regression test for the fuzzing finding in plugin signature reading (docs/security/fuzzing.md): a package whose
/// zip central directory ends early made NuGet's signed-archive reader throw EndOfStreamException (a stack trace); one
/// whose signature entry's local header points past the end made it throw ArgumentOutOfRangeException.</summary>
public sealed class PluginSignatureFuzzFindingsTests
{
    // The afl-fuzz input, also kept as tests/fuzz/corpus/package/finding-truncated-central-directory.nupkg.
    private const string TruncatedCentralDirectory = "UEsDBBQAAAAAAP1gg11UX84o7gAAAO4AAAAUAAAAQWNtZS5GdXp6U2VlZC5udXNwZWM8P3htbCCPZXJzaW9uPSIxLjAiIGVuY29kaW5nPSJ1dGYtOCI/PjxwYWNrYWdlIHhtbG5zPSJodHRwOi8vc2NoZW1hcy5taWNyb3NvZnQuY29tL3BhY2thZ2luZy8yMDEzLzA1L251c3BlYy54c2QiPjxtZXRhZGF0YT48aWQ+QWNtZS5GdXp6U2VlZDwvaWQ+PHZlcnNpb24+MS4wLjA8L3ZlcnNpb24+PGF1dGhvcnM+dDwvYXV0aG9ycz48ZGVzY3JpcHRpb24+ZDwvZGVzY3JpcHRpb24+PC9tZXRhZGF0YT48L3BhY2thZ2U+UEsDBBQAAAAAAP1gg12UjcZ1jAAAAIwAAAAcAAAAcGx1Z2luL2ludmFybG9jay1wbHVnaW4uanNvbnsiaWQiOiJBY21lLkZ1enpTZWVkIiwidmVyc2lvbiI6IjEuMC4wIiwic2RrVmVyc2lvbiI6IjEuMCIsImFzc2VtYmx5IjoiQWNtZS5GdXp6U2VlZC5kbGwiLCJwcm92aWRlcyI6W3sia2luZCI6Imd1YXJkIiwibmFtZSI6ImFjbWVfZ3VhcmQifV19UEsDBBQAAAAAAP1gg13N+zy2BAAAAAQAAAAYAAAAcGx1Z2luL0FjbWUuRnV6elNlZWQuZGxsAQIDBFBLAwQUAAAAAAD9YINds59jrhAAAAAQAAAADgAAAC5zaWduYXR1cmUucDdlMD9ub3QgYSBDTVMgYmxvYlBLAQIUAxQAAAAAAP1gg11UX84o7gAAAO4AAAAUAAAAAAAAAAAAAACkgQAAAABBY21lLkZ1enpTZWVkLm51c3BlY1BLAQIUAxQAAAAAAP1gg12UjcZ1jAAAAIwAAAAcAAAAAAAAAAAAAACkgSABAABwbHVnaW4vaW52YXJsb2NrLXBsdWdpbi5qc29uUEsBAhQDFAAAABAA/WCDXc37PLYEAAAABAAAABgAAAAAAAAAAAAAAKSB5gEAAHBsdWdpbi9BY21lLkZ1enpTZWVkLmRsbFBLAQIUAxQAAAAAAP1gg12zn2OuEAAAABAAAAAOABMAAAAAAAAAAACkgSACAAAuc2lnbmF0dXJlLnA3c1BLBQYAAAAABAAEAA4BAABcAgAAAAA=";

    // The afl-fuzz input of the long run, also kept as tests/fuzz/corpus/package/finding-signature-entry-offset.nupkg.
    private const string SignatureEntryOffsetOutOfRange = "UEsDBBQAAAAAAP1gg11UX84o7gAAAO4AAAAUAAAAQWNtZS5GdXp6U2VlZC5udXNwZWM8P3htbCB2ZXJzaW9uPSIxLjAiIGVuY29kaW5nPSJ1dGYtOCI/PjxwYWNrYWdlIHhtbG5zPSJodHRwOi8vc2NoZW1hcy5taWN/b3NvZnQuY29tL3BhY2thZ2luZy8yMDEzLzA1L251c3BlYy54c2QiPjxtZXRhZGF0YT48aWQ+QWNtZS5GdXp6U2VlZDwvaWQ+PHZlcnNpb24+MS4wLjA8L3ZlcnNpb24+PGF1dGhvcnM+dDwvYXV0aG9ycz48ZINzY3JpcHRpb24+ZDwvZGVzY3JpcHRpb24+PC9tZXRhZGF0YT48L3BhY2thZ2U+UEsDBBQAAAAAAP1gg12UjcZ1jAAAgIwAAAAcAAAAcGx1Z2luL2ludmFybG9jay1wbHVnaW4uanNvbnsiaWQiOiKA/21lLkZ1enpTZWVkIiwidmVyc2lvbiI6IjEuMC4wIiwic2RrVmVyc2lvbiI6IjEuMCIsImFzc2VtYmx5IjoiQWNtZS5GdXp6U2VlZC5kbGwiLCJwcm92aWRlcyI6W3sia2luZCI6Imd1YXJkIiwibmFtZSI6ImFjbWVfZ3VhcmQifV19UEsDBBQAAAAAAP1gg13N+zy2BAAAAAQAAAAYAAAAcGx1VWluL0FjbWUuRnV6elNlZWQuZGxsAQIDBFBLAwQUAAAAAAD9YINds59jrhAAAAAQAAAADgAAAC5zaWduYXR1cmUucDdzMD9ub3QgYSBDTVMgYmxvYlBLAQIUAxQAAAAAAP1gg11UX84o7gAAAO4AAAAUAAAAAAAAAAAAAACkLjAiLCJhc3NlbWJseSI6IkFkLm51c3BlY1BLAQIUAxQAAAAAAP1gg12UjcZ1jAAAAIwAAAAcAAAAAAAAAH8AAACkgSABAABwbHVnaW4vaW52YXJsb2NrLXBsdWdpbi5qc29uUEsBAhQDFAAAAAAA/WCDXc37PLYEAAAABAAAABgAAAAAAAAAAAAAbWV0YWRhdGE+PC9wbi9BY21lLkZ1enpTZWVkLmRsbFBLAQIUAxQAAAAAAP1gg12zn2OuEAAAABAAAAAOAAAAAAAAAAAAAAAAAAAA3f8uc2lnbmF0dXJlLnA3c1BLBQYAAAAABAAEAA4BAABcAgAAAAA=";

    [Fact]
    public void Verify_SignatureEntryOffsetOutOfRange_PluginRefused()
    {
        var error = Assert.Throws<InvarLockException>(() =>
            PluginSignatureVerifier.Verify(Convert.FromBase64String(SignatureEntryOffsetOutOfRange), "fuzz.nupkg"));

        Assert.Equal(ErrorCodes.PluginRefused, error.Code);
        Assert.Contains("fuzz.nupkg", error.Message);
        Assert.Contains("signature is malformed", error.Message);
    }

    [Fact]
    public void Verify_TruncatedCentralDirectory_PluginRefused()
    {
        var error = Assert.Throws<InvarLockException>(() =>
            PluginSignatureVerifier.Verify(Convert.FromBase64String(TruncatedCentralDirectory), "fuzz.nupkg"));

        Assert.Equal(ErrorCodes.PluginRefused, error.Code);
        Assert.Contains("fuzz.nupkg", error.Message);
    }
}
