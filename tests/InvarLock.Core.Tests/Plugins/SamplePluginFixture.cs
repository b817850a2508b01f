using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using InvarLock.Core.Plugins.Packaging;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Builds the sample third-party plugins (tests/plugins) once per test run, the way a vendor would: copies the
/// projects to a temporary folder and runs one <c>dotnet pack</c> of SamplePlugins.slnx against this run's
/// InvarLock.Sdk.dll. That packs the weight-norm drift plugin (private dependency Contoso.NormMath 1.0), the
/// NormDriftV2 plugin (Contoso.NormMath 2.0) and the warm-perplexity metric plugin (the SDK alone). Also holds the vendor's signing certificate and a second, untrusted one.</summary>
public sealed class SamplePluginFixture : IDisposable
{
    private readonly string _workDirectory;

    public SamplePluginFixture()
    {
        _workDirectory = Path.Combine(Path.GetTempPath(), $"invarlock-sample-plugin-{Guid.NewGuid():N}");
        string source = Path.Combine(FindRepositoryRoot(), "tests", "plugins");
        CopySources(source, _workDirectory);
        string output = Path.Combine(_workDirectory, "out");
        Stopwatch clock = Stopwatch.StartNew();
        DotNet(_workDirectory, "pack", "SamplePlugins.slnx", "-c", "Release", "-o", output, "--disable-build-servers", "-nodeReuse:false",
            $"-p:InvarLockSdkDir={AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)}{Path.DirectorySeparatorChar}");
        PackSeconds = clock.Elapsed.TotalSeconds;
        PackagePath = Path.Combine(output, $"{TestPackages.SampleId}.1.0.0.nupkg");
        UnsignedPackage = File.ReadAllBytes(PackagePath);
        NormDriftV2PackagePath = Path.Combine(output, $"{NormDriftV2Id}.2.0.0.nupkg");
        WarmPerplexityPackagePath = Path.Combine(output, $"{WarmPerplexityId}.1.0.0.nupkg");
        WarmPerplexityUnsignedPackage = File.ReadAllBytes(WarmPerplexityPackagePath);
        VendorCertificate = TestCertificates.CodeSigning("Contoso Plugin Signing (test)");
        StrangerCertificate = TestCertificates.CodeSigning("Someone Else (test)");
        SignedPackage = PackageSigner.Sign(UnsignedPackage, VendorCertificate);
        NormDriftV2SignedPackage = PackageSigner.Sign(File.ReadAllBytes(NormDriftV2PackagePath), VendorCertificate);
        WarmPerplexitySignedPackage = PackageSigner.Sign(WarmPerplexityUnsignedPackage, VendorCertificate);
        VendorFingerprint = PluginSignatureVerifier.Fingerprint(VendorCertificate);
    }

    /// <summary>Package id of the second sample plugin, which depends on Contoso.NormMath 2.0.</summary>
    public const string NormDriftV2Id = "Contoso.InvarLock.NormDriftV2";

    /// <summary>Package id of the sample metric plugin (<c>ppl_causal_warm</c>).</summary>
    public const string WarmPerplexityId = "Contoso.InvarLock.WarmPerplexity";

    /// <summary>How long <c>dotnet pack</c> (all sample plugins) took.</summary>
    public double PackSeconds { get; }

    /// <summary>The folder holding the copied sample projects.</summary>
    public string WorkDirectory => _workDirectory;

    /// <summary>The unsigned .nupkg written by dotnet pack.</summary>
    public string PackagePath { get; }

    public byte[] UnsignedPackage { get; }

    public byte[] SignedPackage { get; }

    /// <summary>The unsigned NormDriftV2 .nupkg written by dotnet pack.</summary>
    public string NormDriftV2PackagePath { get; }

    /// <summary>The NormDriftV2 package signed with <see cref="VendorCertificate"/>.</summary>
    public byte[] NormDriftV2SignedPackage { get; }

    /// <summary>The unsigned metric plugin .nupkg written by dotnet pack.</summary>
    public string WarmPerplexityPackagePath { get; }

    public byte[] WarmPerplexityUnsignedPackage { get; }

    /// <summary>The metric plugin package signed with <see cref="VendorCertificate"/>.</summary>
    public byte[] WarmPerplexitySignedPackage { get; }

    public X509Certificate2 VendorCertificate { get; }

    public X509Certificate2 StrangerCertificate { get; }

    public string VendorFingerprint { get; }

    public byte[] Sign(byte[] unsigned) => PackageSigner.Sign(unsigned, VendorCertificate);

    public void Dispose()
    {
        VendorCertificate.Dispose();
        StrangerCertificate.Dispose();
        try
        {
            Directory.Delete(_workDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs the dotnet CLI and throws with its output when it fails.</summary>
    internal static string DotNet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish in 5 minutes");
        }
        string output = stdout.Result + stderr.Result;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{output}");
        }
        return output;
    }

    internal static string FindRepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (Directory.Exists(Path.Combine(d.FullName, "tests", "plugins", "WeightNormDrift")))
            {
                return d.FullName;
            }
        }
        throw new DirectoryNotFoundException("tests/plugins/WeightNormDrift not found above " + AppContext.BaseDirectory);
    }

    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (string dir in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(dir);
            if (name is "bin" or "obj")
            {
                continue;
            }
            CopySources(dir, Path.Combine(to, name));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SamplePluginCollection : ICollectionFixture<SamplePluginFixture>
{
    public const string Name = "Sample third-party plugin";
}
