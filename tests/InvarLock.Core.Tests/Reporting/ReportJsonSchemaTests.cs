using System.Text.Json.Nodes;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Tests.Plugins;
using InvarLock.Core.Tests.Statistics;
using InvarLock.Core.Tests.Verification;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Reporting;

public sealed class ReportJsonSchemaTests
{
    /// <summary>Set to 1 to rewrite the checked-in copy from the generator instead of failing on a difference.</summary>
    private const string UpdateVariable = "INVARLOCK_UPDATE_REPORT_SCHEMA";

    [Fact]
    public void Text_Generated_EqualsCheckedInDocsCopy()
    {
        string generated = ReportJsonSchema.Text();
        string path = DocsSchemaPath();
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, generated);
        }

        Assert.True(File.ReadAllText(path) == generated,
            $"{ReportJsonSchema.DocsPath} differs from ReportJsonSchema.Text(); regenerate it with {UpdateVariable}=1 dotnet test --filter ReportJsonSchemaTests.");
    }

    [Fact]
    public void Build_EveryObjectWithMembers_IsClosedAndRequiresThemAll()
    {
        int objects = 0;
        foreach (JsonObject node in Objects(ReportJsonSchema.Build()))
        {
            if (node["properties"] is JsonObject properties)
            {
                objects++;
                Assert.False(node["additionalProperties"]!.GetValue<bool>());
                Assert.Equal(properties.Select(p => p.Key), node["required"]!.AsArray().Select(r => r!.GetValue<string>()));
            }
        }

        Assert.True(objects >= 30, $"only {objects} closed objects");
    }

    [Fact]
    public void Build_TopLevelMembers_AreTheWrittenReportsInOrder()
    {
        JsonObject written = ReportJson.ToNode(ReportBuilder.Build(ReportFixtures.Run()));
        JsonObject schema = ReportJsonSchema.Build();
        Assert.Equal(written.Select(m => m.Key), schema["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(EvaluationReport.CurrentSchemaVersion, schema["properties"]!["schema_version"]!["const"]!.GetValue<string>());
        Assert.Equal(ReportJsonSchema.Id, schema["$id"]!.GetValue<string>());
    }

    [Fact]
    public void Build_DigestsAndPlanMethod_AreConstrained()
    {
        JsonObject p = ReportJsonSchema.Build()["properties"]!.AsObject();
        Assert.Equal(ReportJsonSchema.Sha256Pattern, p["integrity"]!["properties"]!["content_sha256"]!["pattern"]!.GetValue<string>());
        Assert.Equal(ReportJsonSchema.Sha256Pattern, p["windows"]!["properties"]!["preview"]!["properties"]!["token_sha256"]!["items"]!["pattern"]!.GetValue<string>());
        Assert.Equal(ArmBalancer.Method, p["windows"]!["properties"]!["plan_method"]!["const"]!.GetValue<string>());
        JsonObject checkpoint = p["edit"]!["properties"]!["checkpoint"]!.AsObject();
        Assert.Equal(ReportJsonSchema.Sha256Pattern, checkpoint["properties"]!["weights_sha256"]!["pattern"]!.GetValue<string>());
        Assert.Equal(["path", "weights_sha256", "repaired_by_guards", "files"], checkpoint["required"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    [Trait("Category", "Parity")]
    public void Write_Reports_ValidateAgainstSchemaWithPythonJsonschema()
    {
        string[] checkpointFiles = ["config.json", "model.safetensors"];
        GuardRecord aborting = ReportFixtures.DefaultGuards()[0] with
        {
            Outcome = new GuardOutcome(false, GuardAction.Abort, [new GuardViolation("nan_weights", "non-finite weights", null, null, null, true)],
                new Dictionary<string, double>()),
        };
        using var plain = new VerifyTestFolder(ReportFixtures.Run());
        using var failing = new VerifyTestFolder(ReportFixtures.Run(profile: "ci", shift: 0.3, guards: ReportFixtures.DefaultGuards("rmt"),
            overhead: new GuardOverheadMeasurement([new WindowLoss(30, 10)], [new WindowLoss(30.5, 10)], 1, 1, "bare vs guarded")));
        using var release = new VerifyTestFolder(ReportFixtures.Run(profile: "release", tier: "conservative", seed: 7,
            overhead: new GuardOverheadMeasurement([new WindowLoss(30, 10)], [new WindowLoss(30.1, 10)], 1, 1, "bare vs guarded")));
        using var aborted = new VerifyTestFolder(ReportFixtures.Run(guards: [aborting]) with { Aborted = true });
        using var checkpoint = new VerifyTestFolder(ReportFixtures.Run() with
        {
            SubjectCheckpoint = new WrittenCheckpoint("/runs/out/invarlock-subject", new string('f', 64), RepairedByGuards: true, checkpointFiles),
        });
        using var noEdit = new VerifyTestFolder(ReportFixtures.Run(stride: 8) with { Edit = null });
        string[] reports = [plain.ReportPath, failing.ReportPath, release.ReportPath, aborted.ReportPath, checkpoint.ReportPath, noEdit.ReportPath];
        Assert.NotNull(JsonNode.Parse(File.ReadAllText(checkpoint.ReportPath))!["edit"]!["checkpoint"]);

        string output = PythonScript.Run("Reporting/validate_report_schema.py", [DocsSchemaPath(), .. reports]);

        Assert.Equal(reports.Length, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(": ok", StringComparison.Ordinal)));
    }

    [Theory]
    [Trait("Category", "Parity")]
    [InlineData("unknown_member", "/primary_metric: Additional properties are not allowed ('surprise'")]
    [InlineData("missing_member", "/windows: 'plan_method' is a required property")]
    [InlineData("wrong_type", "/run/seed: 'many' is not of type 'integer'")]
    [InlineData("bad_enum", "/confidence/label: 'Certain' is not one of")]
    [InlineData("bad_digest", "/baseline/weights_sha256: 'ABC' does not match")]
    [InlineData("bad_plan_method", "/windows/plan_method: 'spread+baseline-balanced/v1' was expected")]
    [InlineData("bad_checkpoint", "/edit/checkpoint: 'files' is a required property")]
    [InlineData("negative_count", "/windows/final/token_counts/0: -1 is less than the minimum of 0")]
    public void Validate_TamperedReport_RejectedByPythonJsonschema(string tampering, string expected)
    {
        using var folder = new VerifyTestFolder(ReportFixtures.Run() with
        {
            SubjectCheckpoint = new WrittenCheckpoint("/runs/out/invarlock-subject", new string('f', 64), RepairedByGuards: false, ["model.safetensors"]),
        });
        folder.Tamper(n =>
        {
            switch (tampering)
            {
                case "unknown_member": n["primary_metric"]!["surprise"] = 1; break;
                case "missing_member": n["windows"]!.AsObject().Remove("plan_method"); break;
                case "wrong_type": n["run"]!["seed"] = "many"; break;
                case "bad_enum": n["confidence"]!["label"] = "Certain"; break;
                case "bad_digest": n["baseline"]!["weights_sha256"] = "ABC"; break;
                case "bad_plan_method": n["windows"]!["plan_method"] = "balanced/v0"; break;
                case "bad_checkpoint": n["edit"]!["checkpoint"]!.AsObject().Remove("files"); break;
                case "negative_count": n["windows"]!["final"]!["token_counts"]![0] = -1; break;
                default: throw new ArgumentOutOfRangeException(nameof(tampering), tampering, null);
            }
        });

        (int exit, string stdout, _) = PythonScript.RunWithExitCode("Reporting/validate_report_schema.py", DocsSchemaPath(), folder.ReportPath);

        Assert.Equal(1, exit);
        Assert.True(stdout.Contains(expected, StringComparison.Ordinal), stdout);
    }

    private static string DocsSchemaPath() => Path.Combine(SamplePluginFixture.FindRepositoryRoot(), ReportJsonSchema.DocsPath);

    private static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (JsonObject child in obj.Select(m => m.Value).SelectMany(Objects))
                {
                    yield return child;
                }

                break;
            case JsonArray array:
                foreach (JsonObject child in array.SelectMany(Objects))
                {
                    yield return child;
                }

                break;
        }
    }
}
