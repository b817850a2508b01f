using System.Text.Json.Nodes;
using InvarLock.Models.Generation;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Evaluate;

/// <summary><c>evaluate</c> end to end on every decoder family: the demo of each family through quant_rtn and the
/// whole guard chain, and a widened copy of a half-precision checkpoint against the original.</summary>
[Trait("Category", "Slow")]
public sealed class DecoderFamiliesCliTests : IDisposable
{
    private static readonly string[] SmallPlan = ["--seq-len", "48", "--preview-n", "8", "--final-n", "8"];
    private readonly TempFolder _temp = new("invarlock-cli-families");

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Families() => new(TinyDecoderPresets.FamilyNames);

    [Theory]
    [MemberData(nameof(Families))]
    public void Evaluate_DemoOfFamily_QuantRtnAndEveryGuardRun(string family)
    {
        string outDir = _temp.Combine(family);

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", "--demo", family, .. SmallPlan, "--out", outDir]);

        Assert.True(exit is 0 or 1, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();
        Assert.Equal(family, report["baseline"]!["architecture"]!.GetValue<string>());
        Assert.Equal("quant_rtn", report["edit"]!["name"]!.GetValue<string>());
        JsonArray guards = report["guards"]!.AsArray();
        Assert.Equal(["invariants", "spectral", "rmt", "variance", "invariants"], guards.Select(g => g!["name"]!.GetValue<string>()));
        Assert.All(guards, g => Assert.Null(g!["error"]));
        JsonObject spectral = guards[1]!["metrics"]!.AsObject();
        JsonObject rmt = guards[2]!["metrics"]!.AsObject();
        Assert.True(spectral["modules_checked"]!.GetValue<double>() > 0, family + ": spectral checked no module");
        Assert.True(rmt["modules_scored"]!.GetValue<double>() > 0, family + ": rmt scored no module");
        double ratio = report["primary_metric"]!["ratio"]!.GetValue<double>();
        Assert.True(ratio is > 0.9 and < 1.1, $"{family}: 8-bit RTN moved the ratio to {ratio}");
    }

    [Theory]
    [InlineData("llama")]
    [InlineData("gemma")]
    public void Evaluate_F32CopyOfBf16Checkpoint_RatioIsExactlyOne(string family)
    {
        Assert.True(TinyDecoderPresets.TryGetDemo(family, out TinyDecoderOptions? options));
        string baseline = _temp.Combine(family + "-bf16");
        TinyDecoderGenerator.Generate(baseline, options with { DType = SafetensorsDType.BF16 });
        string subject = _temp.Combine(family + "-f32");
        Directory.CreateDirectory(subject);
        foreach (string file in Directory.GetFiles(baseline))
        {
            File.Copy(file, Path.Combine(subject, Path.GetFileName(file)));
        }
        HfFolderEditor.WriteTensors(subject, HfFolderEditor.ReadTensors(baseline), SafetensorsDType.F32);
        string outDir = _temp.Combine(family + "-out");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", .. SmallPlan, "--baseline", baseline, "--subject", subject, "--out", outDir]);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        JsonObject report = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!.AsObject();
        // The weights digest is over the values (widened to float32), so the two checkpoints share it; the files differ.
        Assert.Equal(report["baseline"]!["weights_sha256"]!.GetValue<string>(), report["subject"]!["weights_sha256"]!.GetValue<string>());
        using (SafetensorsFile wide = SafetensorsFile.Open(Path.Combine(subject, SafetensorsCheckpoint.SingleFileName)))
        using (SafetensorsFile narrow = SafetensorsFile.Open(Path.Combine(baseline, SafetensorsCheckpoint.SingleFileName)))
        {
            Assert.All(wide.Entries, e => Assert.Equal(SafetensorsDType.F32, e.DType));
            Assert.All(narrow.Entries, e => Assert.Equal(SafetensorsDType.BF16, e.DType));
        }
        Assert.Equal(1.0, report["primary_metric"]!["ratio"]!.GetValue<double>());
    }
}
