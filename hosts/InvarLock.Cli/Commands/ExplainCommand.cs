using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Reporting.Gates;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core;
using InvarLock.Core.Plugins;
using InvarLock.Cli.Composition;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock explain REPORT [--json]</c>: for each gate its value, threshold, outcome and the policy line it came
/// from (with that line's value in the report's resolved policy); for each guard its decision and which modules or
/// families crossed which threshold, with the policy line behind each. Informational: exits 0 whatever the verdict.</summary>
internal static class ExplainCommand
{
    /// <summary>The <c>format</c> of the <c>--json</c> object.</summary>
    public const string JsonFormat = "explain-v1";

    public static Command Create(CliConsole console)
    {
        Argument<FileInfo> report = new("REPORT") { Description = "The evaluation.report.json to explain" };
        Option<bool> json = new("--json") { Description = "Print one JSON object (format explain-v1)" };
        var command = new Command("explain", "Explain a report's gates and guard decisions and the policy lines behind them") { report, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(report)!.FullName;
            EvaluationReport parsed = ReportInput.Load(path);
            console.Out.Write(parse.GetValue(json) ? ToJson(parsed, path).ToJsonString() + "\n" : ToText(parsed, path));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The explanation as readable text (LF line ends, trailing newline).</summary>
    public static string ToText(EvaluationReport report, string path, GuardPolicyCatalog? guardPolicies = null)
    {
        GuardPolicyCatalog catalog = guardPolicies ?? FirstPartyGuardPolicies.Instance;
        ArgumentNullException.ThrowIfNull(report);
        JsonObject resolved = report.Policy.Resolved;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Report: {path}\n");
        sb.Append(CultureInfo.InvariantCulture, $"Verdict: {(report.Verdict.Passed ? "PASS" : "FAIL")}");
        if (report.Verdict.FailedGates.Count > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" (failed: {string.Join(", ", report.Verdict.FailedGates)})");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\n{ReportFacts.GradedModel(report)}");
        sb.Append(CultureInfo.InvariantCulture, $"\nPolicy: tier {report.Policy.Tier}, profile {report.Policy.Profile}, digest {report.Policy.Sha256}\n");
        sb.Append("\nGates\n");
        foreach (GateResult g in report.Gates)
        {
            string threshold = ReportFacts.Threshold(g, report.Policy.GatePolicy);
            sb.Append(CultureInfo.InvariantCulture, $"  {g.Id}: {ReportFacts.Outcome(g)}{(g.Gating ? "" : " (informational, does not gate in this profile)")}\n");
            sb.Append(CultureInfo.InvariantCulture, $"    value {ReportFacts.Number(g.Value)}{(threshold.Length == 0 ? ", no numeric threshold" : ", threshold " + threshold)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"    why: {CliApp.OneLine(g.Reason)}\n");
            sb.Append(CultureInfo.InvariantCulture, $"    policy: {g.PolicySource}\n");
            foreach (string p in PolicyLines.PathsIn(g.PolicySource))
            {
                sb.Append(CultureInfo.InvariantCulture, $"      {p} = {PolicyLines.ValueAt(resolved, p)}\n");
            }
        }

        sb.Append("\nGuards\n");
        foreach (GuardSection g in report.Guards)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"  {g.Position}. {g.Name}: {(g.Passed && g.Error is null ? "passed" : "FAILED")}, action {g.Action}, {g.Violations.Count} finding(s)\n");
            if (g.Error is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    error: {CliApp.OneLine(g.Error)}\n");
            }

            foreach (string p in GuardPolicyPaths(g))
            {
                sb.Append(CultureInfo.InvariantCulture, $"    policy: {p} = {PolicyLines.ValueAt(resolved, p)}\n");
            }

            foreach (GuardViolationSection v in g.Violations)
            {
                string line = PolicyLines.ForViolation(g, v, catalog);
                sb.Append(CultureInfo.InvariantCulture, $"    - {v.Code}{(v.Module is null ? "" : " at " + v.Module)}: value {ReportFacts.Number(v.Value)}, threshold {ReportFacts.Number(v.Threshold)}"
                    + $"{(v.Fatal ? " [fatal]" : "")}: {CliApp.OneLine(v.Message)}\n");
                sb.Append(CultureInfo.InvariantCulture, $"      policy: {line} = {PolicyLines.ValueAt(resolved, line)}\n");
            }
        }

        return sb.ToString();
    }

    /// <summary>The explanation as one JSON object (snake_case, format <see cref="JsonFormat"/>).</summary>
    public static JsonObject ToJson(EvaluationReport report, string path, GuardPolicyCatalog? guardPolicies = null)
    {
        GuardPolicyCatalog catalog = guardPolicies ?? FirstPartyGuardPolicies.Instance;
        ArgumentNullException.ThrowIfNull(report);
        JsonObject resolved = report.Policy.Resolved;
        var gates = new JsonArray();
        foreach (GateResult g in report.Gates)
        {
            var values = new JsonObject();
            foreach (string p in PolicyLines.PathsIn(g.PolicySource))
            {
                values[p] = PolicyLines.ValueAt(resolved, p);
            }

            gates.Add(new JsonObject
            {
                ["id"] = g.Id,
                ["outcome"] = ReportFacts.Outcome(g),
                ["gating"] = g.Gating,
                ["evaluated"] = g.Evaluated,
                ["passed"] = g.Passed,
                ["value"] = g.Value,
                ["threshold"] = g.Threshold,
                ["comparison"] = g.Comparison,
                ["threshold_text"] = ReportFacts.Threshold(g, report.Policy.GatePolicy),
                ["reason"] = g.Reason,
                ["policy_source"] = g.PolicySource,
                ["policy_values"] = values,
            });
        }

        var guards = new JsonArray();
        foreach (GuardSection g in report.Guards)
        {
            var decisions = new JsonArray();
            foreach (GuardViolationSection v in g.Violations)
            {
                string line = PolicyLines.ForViolation(g, v, catalog);
                decisions.Add(new JsonObject
                {
                    ["code"] = v.Code,
                    ["module"] = v.Module,
                    ["value"] = v.Value,
                    ["threshold"] = v.Threshold,
                    ["fatal"] = v.Fatal,
                    ["message"] = v.Message,
                    ["policy_line"] = line,
                    ["policy_value"] = PolicyLines.ValueAt(resolved, line),
                });
            }

            var guardPolicy = new JsonObject();
            foreach (string p in GuardPolicyPaths(g))
            {
                guardPolicy[p] = PolicyLines.ValueAt(resolved, p);
            }

            guards.Add(new JsonObject
            {
                ["name"] = g.Name,
                ["position"] = g.Position,
                ["passed"] = g.Passed && g.Error is null,
                ["action"] = g.Action,
                ["error"] = g.Error,
                ["policy_values"] = guardPolicy,
                ["violations"] = decisions,
            });
        }

        return new JsonObject
        {
            ["format"] = JsonFormat,
            ["report"] = path,
            ["graded_model"] = ReportFacts.GradedModel(report),
            ["verdict"] = new JsonObject
            {
                ["passed"] = report.Verdict.Passed,
                ["failed_gates"] = new JsonArray([.. report.Verdict.FailedGates.Select(id => (JsonNode?)JsonValue.Create(id))]),
            },
            ["tier"] = report.Policy.Tier,
            ["profile"] = report.Policy.Profile,
            ["policy_sha256"] = report.Policy.Sha256,
            ["gates"] = gates,
            ["guards"] = guards,
        };
    }

    /// <summary>The guard-wide policy lines: its section, and for spectral the cap budget that decides abort.</summary>
    private static IEnumerable<string> GuardPolicyPaths(GuardSection guard)
    {
        yield return "guards." + guard.Name;
        if (guard.Name == "spectral")
        {
            yield return "guards.spectral.max_caps";
        }
    }
}
