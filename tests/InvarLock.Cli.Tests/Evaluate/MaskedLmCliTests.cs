using System.Text.Json.Nodes;
using InvarLock.Models.Generation;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Evaluate;

/// <summary><c>evaluate</c> end to end on generated masked LMs: the adapter and metric follow from the baseline
/// (hf_mlm, ppl_mlm), the guard chain runs on the encoder's roles, the report verifies, and the same seed reproduces it.</summary>
[Trait("Category", "Slow")]
public sealed class MaskedLmCliTests : IDisposable
{
    private static readonly string[] SmallPlan = ["--seq-len", "48", "--preview-n", "8", "--final-n", "8"];
    private readonly TempFolder _temp = new("invarlock-cli-mlm");

    public void Dispose() => _temp.Dispose();

    /// <summary>A generated baseline and a subject whose first query projection is scaled by 1.01.</summary>
    private (string Baseline, string Subject) Checkpoints(TinyEncoderFamily family)
    {
        string baseline = _temp.Combine(family + "-baseline");
        TinyEncoderGenerator.Generate(baseline, TinyEncoderGenerator.Demo with { Family = family, LinearScale = 3 });
        string subject = HfFolderEditor.Copy(baseline, _temp.Combine(family + "-subject"));
        List<SafetensorsTensor> tensors = HfFolderEditor.ReadTensors(baseline);
        string prefix = family == TinyEncoderFamily.Bert ? "bert" : "roberta";
        float[] query = tensors.Get(prefix + ".encoder.layer.0.attention.self.query.weight").Data;
        for (int i = 0; i < query.Length; i++)
        {
            query[i] *= 1.01f;
        }
        HfFolderEditor.WriteTensors(subject, tensors);
        return (baseline, subject);
    }

    private static JsonObject Report(string outDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();

    [Theory]
    [InlineData(TinyEncoderFamily.Bert)]
    [InlineData(TinyEncoderFamily.Roberta)]
    public void Evaluate_MaskedLmSubject_PplMlmGuardsRunAndReportVerifies(TinyEncoderFamily family)
    {
        var (baseline, subject) = Checkpoints(family);
        string outDir = _temp.Combine(family + "-out");

        var eval = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--subject", subject, "--out", outDir]);

        Assert.True(eval.Exit is 0 or 1, $"exit {eval.Exit}\n{eval.Out}\n{eval.Error}");
        JsonObject report = Report(outDir);
        Assert.Equal(family == TinyEncoderFamily.Bert ? "bert" : "roberta", report["baseline"]!["architecture"]!.GetValue<string>());
        Assert.Equal("ppl_mlm", report["primary_metric"]!["kind"]!.GetValue<string>());
        double ratio = report["primary_metric"]!["ratio"]!.GetValue<double>();
        Assert.True(ratio is > 0.5 and < 2.0 && ratio != 1.0, $"ratio {ratio}");
        JsonArray guards = report["guards"]!.AsArray();
        Assert.Equal(["invariants", "spectral", "rmt", "variance", "invariants"], guards.Select(g => g!["name"]!.GetValue<string>()));
        Assert.All(guards, g => Assert.Null(g!["error"]));
        Assert.True(guards[1]!["metrics"]!["modules_checked"]!.GetValue<double>() > 0, "spectral checked no encoder module");
        Assert.True(guards[2]!["metrics"]!["modules_scored"]!.GetValue<double>() > 0, "rmt scored no encoder module");

        var verify = CliRun.Invoke("verify", Path.Combine(outDir, "evaluation.report.json"));

        Assert.True(verify.Exit == eval.Exit, $"evaluate {eval.Exit}, verify {verify.Exit}\n{verify.Out}\n{verify.Error}");
        Assert.Contains("checks passed", verify.Out);
    }

    [Fact]
    public void Evaluate_SameSeedTwice_SameMaskedTokenCountsAndLosses()
    {
        var (baseline, subject) = Checkpoints(TinyEncoderFamily.Bert);
        string first = _temp.Combine("first"), second = _temp.Combine("second"), other = _temp.Combine("other");

        var a = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--subject", subject, "--out", first]);
        var b = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--subject", subject, "--out", second]);
        var c = CliRun.Invoke(["evaluate", .. SmallPlan, "--seed", "7", "--baseline", baseline, "--subject", subject, "--out", other]);

        Assert.True(a.Exit is 0 or 1 && b.Exit == a.Exit && c.Exit is 0 or 1, $"{a.Exit} {b.Exit} {c.Exit}\n{a.Error}{c.Error}");
        Assert.Equal(Report(first)["primary_metric"]!.ToJsonString(), Report(second)["primary_metric"]!.ToJsonString());
        Assert.NotEqual(Report(first)["primary_metric"]!.ToJsonString(), Report(other)["primary_metric"]!.ToJsonString());
    }
}
