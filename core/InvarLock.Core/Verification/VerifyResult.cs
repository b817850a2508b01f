using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Canonical;
using InvarLock.Core.Reporting;

namespace InvarLock.Core.Verification;

/// <summary>The outcome of <c>invarlock verify</c> over one or more reports.</summary>
/// <param name="Reports">One entry per report, in argument order.</param>
/// <param name="BaselinePath">The baseline report given with <c>--baseline</c>, if any.</param>
public sealed record VerifyResult(IReadOnlyList<ReportVerification> Reports, string? BaselinePath)
{
    /// <summary>The envelope's format id.</summary>
    public const string Format = "invarlock.verify/v1";

    /// <summary>0 when every report passes; 2 when any is malformed or tampered; otherwise 1 when any gate fails.</summary>
    public int ExitCode => Reports.Count == 0 ? ExitCodes.BadInput : Reports.Max(r => r.ExitCode);

    /// <summary>The machine-readable envelope (one JSON object; keys in a fixed order).</summary>
    public JsonObject ToJson()
    {
        var results = new JsonArray();
        foreach (ReportVerification r in Reports)
        {
            results.Add(JsonSerializer.SerializeToNode(r, ReportJson.Options));
        }

        return new JsonObject
        {
            ["format"] = Format,
            ["ok"] = ExitCode == 0,
            ["exit_code"] = ExitCode,
            ["summary"] = new JsonObject
            {
                ["reports"] = Reports.Count,
                ["passed"] = Reports.Count(r => r.Status == "pass"),
                ["gate_failed"] = Reports.Count(r => r.Status == "gate_failed"),
                ["malformed"] = Reports.Count(r => r.Status == "malformed"),
            },
            ["baseline"] = BaselinePath,
            ["results"] = results,
        };
    }

    /// <summary>The envelope on one line (RFC 8785 canonical form).</summary>
    public string ToJsonLine() => CanonicalJson.Serialize(ToJson());
}
