using System.Security.Cryptography.X509Certificates;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Core.Tests.Plugins;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Signing;

/// <summary>One report written by <c>invarlock evaluate --sign-with signer.pfx</c> on a generated tiny GPT-2 (noop edit,
/// 8 + 8 windows of 32 tokens), plus the signer's certificate and a second, unrelated one. Tests copy the output
/// folder before changing anything.</summary>
public sealed class SignedReportFixture : IDisposable
{
    public const string Password = "report-signing-test";

    private readonly TempFolder _temp = new("invarlock-cli-signed");

    public SignedReportFixture()
    {
        Signer = TestCertificates.CodeSigning("Release Operator (test)");
        Stranger = TestCertificates.CodeSigning("Someone Else (test)");
        PfxPath = _temp.Combine("signer.pfx");
        File.WriteAllBytes(PfxPath, Signer.Export(X509ContentType.Pfx, Password));
        BaselinePath = CheckpointFactory.CreateTiny(_temp.Path);
        OutDirectory = _temp.Combine("out");
        (int exit, string stdout, string stderr) = CliRun.Invoke(Environment, "evaluate", "--baseline", BaselinePath, "--edit", "noop",
            "--seq-len", "32", "--preview-n", "8", "--final-n", "8", "--out", OutDirectory, "--sign-with", PfxPath);
        if (exit != 0)
        {
            throw new InvalidOperationException($"evaluate exited {exit}\n{stdout}\n{stderr}");
        }
        EvaluateOutput = stdout;
    }

    public static IReadOnlyDictionary<string, string?> Environment { get; } =
        new Dictionary<string, string?> { ["INVARLOCK_SIGNING_PASSWORD"] = Password };

    public X509Certificate2 Signer { get; }

    public X509Certificate2 Stranger { get; }

    public string SignerFingerprint => PluginSignatureVerifier.Fingerprint(Signer);

    public string PfxPath { get; }

    public string BaselinePath { get; }

    /// <summary>The --out folder of the signed run (do not modify: copy it with <see cref="CopyOutput"/>).</summary>
    public string OutDirectory { get; }

    public string EvaluateOutput { get; }

    /// <summary>A copy of the signed run's output folder; returns the copied report's path.</summary>
    public string CopyOutput()
    {
        string target = _temp.Combine("copy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(OutDirectory))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return Path.Combine(target, "evaluation.report.json");
    }

    /// <summary>A fresh scratch folder (deleted with the fixture).</summary>
    public string NewFolder()
    {
        string path = _temp.Combine("t-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        Signer.Dispose();
        Stranger.Dispose();
        _temp.Dispose();
    }
}
