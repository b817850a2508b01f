using System.Text.Json.Nodes;
using InvarLock.Core.Plugins;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Core.Reporting;
using InvarLock.Sdk.Canonical;

namespace InvarLock.Cli.Tests.Signing;

/// <summary><c>evaluate --sign-with</c> and <c>verify --trusted-signer</c> through the command line, including the
/// forged report of issue 14: another model's path and weights digest swapped in, the content digest and the
/// manifest recomputed.</summary>
public sealed class SignedReportTests(SignedReportFixture fixture) : IClassFixture<SignedReportFixture>
{
    [Fact]
    public void Evaluate_SignWith_WritesSignatureBesideReportAndNamesSigner()
    {
        Assert.True(File.Exists(Path.Combine(fixture.OutDirectory, "evaluation.report.json.p7s")));
        Assert.Contains($"by CN=Release Operator (test) ({fixture.SignerFingerprint})", fixture.EvaluateOutput);
    }

    [Fact]
    public void Verify_TrustedSigner_PassesAndNamesTheSigner()
    {
        var (exit, stdout, _) = CliRun.Invoke("verify", Path.Combine(fixture.OutDirectory, "evaluation.report.json"),
            "--trusted-signer", fixture.SignerFingerprint);

        Assert.Equal(0, exit);
        var (jsonExit, json, _) = CliRun.Invoke("verify", Path.Combine(fixture.OutDirectory, "evaluation.report.json"),
            "--trusted-signer", fixture.SignerFingerprint, "--json");
        Assert.Equal(0, jsonExit);
        JsonNode check = Checks(json).Single(c => (string?)c!["id"] == "signature")!;
        Assert.True((bool)check["ok"]!);
        Assert.Contains($"Signed by CN=Release Operator (test) ({fixture.SignerFingerprint}), a trusted signer", (string?)check["message"]);
        Assert.Contains("checks passed", stdout);
    }

    [Fact]
    public void Verify_ForgedReportWithSignatureRemoved_PassesWithoutTrustButRefusedWithTrustedSigner()
    {
        string report = fixture.CopyOutput();
        Forge(report);
        File.Delete(report + ".p7s");

        var (plainExit, _, _) = CliRun.Invoke("verify", report);
        var (exit, stdout, _) = CliRun.Invoke("verify", report, "--trusted-signer", fixture.SignerFingerprint);

        // Without a trust requirement nothing binds the report to its producer: the forgery passes (the case).
        Assert.Equal(0, plainExit);
        Assert.Equal(2, exit);
        Assert.Contains("no signature (evaluation.report.json.p7s is missing beside the report)", stdout);
    }

    [Fact]
    public void Verify_ForgedReportWithOriginalSignature_RefusedAsNotMatching()
    {
        string report = fixture.CopyOutput();
        Forge(report);

        var (exit, stdout, _) = CliRun.Invoke("verify", report, "--trusted-signer", fixture.SignerFingerprint);

        Assert.Equal(2, exit);
        Assert.Contains("signature does not match the report", stdout);
        Assert.Contains("Verify: malformed or tampered (exit 2)", stdout);
    }

    [Fact]
    public void Verify_SignerNotOnTrustList_Refused()
    {
        string stranger = PluginSignatureVerifier.Fingerprint(fixture.Stranger);

        var (exit, stdout, _) = CliRun.Invoke("verify", Path.Combine(fixture.OutDirectory, "evaluation.report.json"), "--trusted-signer", stranger);

        Assert.Equal(2, exit);
        Assert.Contains($"signed by CN=Release Operator (test) ({fixture.SignerFingerprint}), who is not a trusted signer", stdout);
    }

    [Fact]
    public void Verify_TrustedSignersFile_Passes()
    {
        string trustFile = Path.Combine(fixture.NewFolder(), "report-signers.json");
        new TrustStore(trustFile).Add(fixture.SignerFingerprint, "release operator");

        var (exit, _, _) = CliRun.Invoke("verify", Path.Combine(fixture.OutDirectory, "evaluation.report.json"), "--trusted-signers", trustFile);

        Assert.Equal(0, exit);
    }

    [Fact]
    public void Verify_RequireSignatureWithoutTrustedSigner_Refused()
    {
        var (exit, stdout, _) = CliRun.Invoke("verify", Path.Combine(fixture.OutDirectory, "evaluation.report.json"), "--require-signature");

        Assert.Equal(2, exit);
        Assert.Contains("a trusted signer is required and none was given", stdout);
    }

    [Fact]
    public void Verify_SignedReportWithoutTrustList_PassesAndSaysTheSignerWasNotChecked()
    {
        var (exit, json, _) = CliRun.Invoke("verify", Path.Combine(fixture.OutDirectory, "evaluation.report.json"), "--json");

        Assert.Equal(0, exit);
        JsonNode check = Checks(json).Single(c => (string?)c!["id"] == "signature")!;
        Assert.Contains("was not checked against a trust list", (string?)check["message"]);
    }

    [Fact]
    public void Verify_NotAFingerprint_UsageError()
    {
        var (exit, _, stderr) = CliRun.Invoke("verify", Path.Combine(fixture.OutDirectory, "evaluation.report.json"), "--trusted-signer", "abc");

        Assert.Equal(2, exit);
        Assert.Contains("'abc' is not a SHA-256 certificate fingerprint", stderr);
    }

    [Fact]
    public void Evaluate_ReleaseProfileRequiresSignatureWithoutSignWith_UsageErrorAndNoOutput()
    {
        string outDir = Path.Combine(fixture.NewFolder(), "out");
        var environment = new Dictionary<string, string?> { ["INVARLOCK_RELEASE_REQUIRES_SIGNATURE"] = "1" };

        var (exit, _, stderr) = CliRun.Invoke(environment, "evaluate", "--baseline", fixture.BaselinePath, "--edit", "noop",
            "--profile", "release", "--out", outDir);

        Assert.Equal(2, exit);
        Assert.Contains("the release profile requires a signed report", stderr);
        Assert.False(File.Exists(Path.Combine(outDir, "evaluation.report.json")));
    }

    [Fact]
    public void Evaluate_SignWithPemCertificateAndKeyJson_EnvelopeNamesSignatureAndSigner()
    {
        string folder = fixture.NewFolder();
        string cert = Path.Combine(folder, "signer.pem");
        string key = Path.Combine(folder, "signer.key");
        File.WriteAllText(cert, fixture.Signer.ExportCertificatePem());
        using (System.Security.Cryptography.RSA rsa = System.Security.Cryptography.X509Certificates.RSACertificateExtensions.GetRSAPrivateKey(fixture.Signer)!)
        {
            File.WriteAllText(key, rsa.ExportPkcs8PrivateKeyPem());
        }
        string outDir = Path.Combine(folder, "out");

        var (exit, json, stderr) = CliRun.Invoke("evaluate", "--baseline", fixture.BaselinePath, "--edit", "noop", "--seq-len", "32",
            "--preview-n", "8", "--final-n", "8", "--out", outDir, "--sign-with", cert, "--sign-key", key, "--json");

        Assert.True(exit == 0, json + stderr);
        JsonNode result = JsonNode.Parse(json)!["result"]!;
        Assert.Equal(Path.Combine(outDir, "evaluation.report.json.p7s"), (string?)result["signature"]);
        Assert.Equal(fixture.SignerFingerprint, (string?)result["signer"]);
        Assert.Equal(0, CliRun.Invoke("verify", Path.Combine(outDir, "evaluation.report.json"), "--trusted-signer", fixture.SignerFingerprint).Exit);
    }

    [Fact]
    public void Evaluate_SignWithWrongPassword_UsageErrorNamingTheFile()
    {
        string outDir = Path.Combine(fixture.NewFolder(), "out");
        var environment = new Dictionary<string, string?> { ["INVARLOCK_SIGNING_PASSWORD"] = "wrong" };

        var (exit, _, stderr) = CliRun.Invoke(environment, "evaluate", "--baseline", fixture.BaselinePath, "--edit", "noop",
            "--out", outDir, "--sign-with", fixture.PfxPath);

        Assert.Equal(2, exit);
        Assert.Contains($"{fixture.PfxPath}: cannot load the signing certificate", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(Path.Combine(outDir, "evaluation.report.json")));
    }

    /// <summary>What a hostile user does: swaps in another model's path and weights digest, recomputes the content
    /// digest and the manifest's report hash.</summary>
    private static void Forge(string reportPath)
    {
        var report = JsonNode.Parse(File.ReadAllText(reportPath))!.AsObject();
        report["subject"]!["path"] = "/models/some-other-checkpoint";
        report["subject"]!["weights_sha256"] = new string('a', 64);
        report["integrity"]!["content_sha256"] = ReportJson.ContentSha256(report);
        File.WriteAllText(reportPath, CanonicalJson.WriteIndented(report));
        string manifestPath = Path.Combine(Path.GetDirectoryName(reportPath)!, "runtime.manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["report"]!["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(reportPath)));
        File.WriteAllText(manifestPath, CanonicalJson.WriteIndented(manifest));
    }

    private static JsonArray Checks(string verifyJson) =>
        JsonNode.Parse(verifyJson)!["result"]!["results"]![0]!["checks"]!.AsArray();
}
