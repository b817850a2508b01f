using System.CommandLine;
using InvarLock.Core;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Security;
using InvarLock.Core.Verification;
using InvarLock.Sdk.Errors;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock bundle OUT_DIR [-o FILE.zip] [--sbom FILE]</c>: packs a run's evidence (report, signature,
/// Markdown and HTML, runtime manifest, the reused baseline report, the tool's SBOM, checksums) into one zip for
/// retention; <c>invarlock verify FILE.zip</c> checks it offline.</summary>
internal static class BundleCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        Argument<DirectoryInfo> folder = new("OUT_DIR") { Description = "The --out folder of an evaluate run" };
        Option<FileInfo?> output = new("--output", "-o") { Description = "The zip to write (default: OUT_DIR.evidence.zip beside the folder)" };
        Option<FileInfo?> sbom = new("--sbom") { Description = $"The tool's CycloneDX SBOM (default: {SupplyChainFiles.SbomVariable}, else {EvidenceBundle.SbomName} beside the installed tool)" };
        var command = new Command("bundle", "Pack a run's report, signature, renderings, manifest, baseline report, SBOM and checksums into an evidence zip")
        {
            folder, output, sbom,
        };
        command.SetAction(parse =>
        {
            string outDir = parse.GetValue(folder)!.FullName.TrimEnd(Path.DirectorySeparatorChar);
            if (!Directory.Exists(outDir))
            {
                throw new InvarLockException(ErrorCodes.MissingFile, $"{outDir}: no such folder (give the --out folder of an evaluate run)");
            }
            string zip = parse.GetValue(output)?.FullName ?? outDir + ".evidence.zip";
            string zipFolder = Path.GetDirectoryName(zip) ?? throw new InvarLockException(ErrorCodes.OutputError, $"{zip}: has no parent folder");
            zip = OutputPathValidator.ResolveOutputFile(OutputPathValidator.ValidateOutputDirectory(zipFolder), Path.GetFileName(zip));
            string? sbomPath = parse.GetValue(sbom)?.FullName ?? SupplyChainFiles.Sbom(CliEnvironment.Of(services));
            EvaluationReport report = ReportInput.Load(Path.Combine(outDir, ReportWriter.ReportFileName));
            IReadOnlyList<string> names = EvidenceBundle.Write(outDir, zip, ReportCommand.Render(report, "html"), sbomPath);
            console.Out.WriteLine($"Wrote {zip}");
            foreach (string name in names)
            {
                console.Out.WriteLine($"  {name}");
            }
            if (sbomPath is null)
            {
                console.Out.WriteLine($"  (no SBOM: none beside the tool; pass --sbom FILE, see docs/security/deployment-checklist.md)");
            }
            if (!names.Contains(ReportWriter.ReportFileName + ReportSignature.Suffix))
            {
                console.Out.WriteLine("  (unsigned: evaluate --sign-with CERT binds the report to its producer)");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
