using System.CommandLine;
using InvarLock.Core.Plugins;
using InvarLock.Core.Security;
using InvarLock.Core.Verification;
using Microsoft.Extensions.DependencyInjection;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock verify REPORT... [--baseline REPORT] [--profile P] [--trusted-signer FP]... [--json]</c>: offline
/// re-check of reports (and, with a trusted signer, of who produced them).</summary>
internal static class VerifyCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        Argument<FileInfo[]> reports = new("reports") { Description = "evaluation.report.json files (or evidence bundles, FILE.zip) to verify", Arity = ArgumentArity.OneOrMore };
        Option<FileInfo?> baseline = new("--baseline") { Description = "The baseline's own report: windows and tokenizer must match" };
        Option<string?> profile = new("--profile") { Description = "Require the reports to have been made under this profile" };
        Option<bool> json = new("--json") { Description = "Print one JSON envelope" };
        Option<string[]> trustedSigner = new("--trusted-signer")
        {
            Description = "Require each report's signature (REPORT.p7s) to be by the certificate with this SHA-256 fingerprint (repeatable)",
        };
        Option<FileInfo[]> trustedSigners = new("--trusted-signers") { Description = "Trust file (invarlock-trust-v1, as `plugins trust` writes) of report signers (repeatable)" };
        Option<bool> requireSignature = new("--require-signature") { Description = "Require a signature from a trusted signer (also set by naming one)" };
        var command = new Command("verify", "Re-check reports offline: schema, recomputed statistics, gates, digests, pairing, manifest, signature")
        {
            reports, baseline, profile, json, trustedSigner, trustedSigners, requireSignature,
        };
        command.SetAction(parse =>
        {
            var paths = new List<string>();
            foreach (FileInfo f in parse.GetValue(reports) ?? [])
            {
                paths.Add(f.FullName);
            }
            // Guard gates are recomputed under the ids their guards declare: the first-party set plus enabled plugins.
            var registry = services.GetRequiredService<PluginRegistry>();
            using PluginHost plugins = PluginHost.LoadEnabledPlugins(registry, CliEnvironment.Of(services));
            SignaturePolicy signatures = SignaturePolicy.From(parse.GetValue(trustedSigner) ?? [],
                (parse.GetValue(trustedSigners) ?? []).Select(f => f.FullName), parse.GetValue(requireSignature),
                EnvironmentFlags.IsSet(CliEnvironment.Of(services), EnvironmentFlags.ReleaseRequiresSignature));
            VerifyResult result = ReportVerifier.Verify(paths, parse.GetValue(baseline)?.FullName, parse.GetValue(profile), registry.GuardPolicies,
                signatures);
            if (parse.GetValue(json))
            {
                // Each malformed report also becomes an envelope error (its first failed check).
                CliJsonErrors? errors = services.GetService(typeof(CliJsonErrors)) as CliJsonErrors;
                foreach (ReportVerification r in result.Reports)
                {
                    if (r.Status == "malformed" && r.Checks.FirstOrDefault(c => !c.Ok && c.Category == VerifyCheck.Malformed) is { } first)
                    {
                        errors?.Items.Add(new CliJsonError(InvarLock.Sdk.Errors.ErrorCodes.MalformedReport.Id, first.Message, r.Path));
                    }
                }
                console.Out.WriteLine(result.ToJsonLine());
                return result.ExitCode;
            }
            foreach (ReportVerification r in result.Reports)
            {
                string status = r.Status switch { "pass" => "PASS", "gate_failed" => "FAIL (gate)", _ => "MALFORMED" };
                console.Out.WriteLine($"{status,-12} {r.Path}");
                if (r.Ratio is double ratio)
                {
                    string ci = r.RatioCi is { Count: 2 } c ? $"  CI [{c[0]:F4}, {c[1]:F4}]" : "";
                    console.Out.WriteLine($"  ratio {ratio:F4}{ci}");
                }
                int ok = 0;
                foreach (VerifyCheck check in r.Checks)
                {
                    if (check.Ok)
                    {
                        ok++;
                        continue;
                    }
                    console.Out.WriteLine($"  {check.Category}: {check.Id}: {check.Message}");
                }
                console.Out.WriteLine($"  {ok}/{r.Checks.Count} checks passed");
            }
            console.Out.WriteLine(result.ExitCode switch
            {
                0 => "Verify: OK (exit 0)",
                1 => "Verify: a gate fails (exit 1)",
                _ => "Verify: malformed or tampered (exit 2)",
            });
            return result.ExitCode;
        });
        return command;
    }
}
