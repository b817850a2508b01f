using System.Text.Json.Nodes;
using InvarLock.Models.Generation;
using InvarLock.Models.Tests.TestSupport;

namespace InvarLock.Cli.Tests.Evaluate;

/// <summary>The guard chain end to end through <c>invarlock evaluate</c> on a 6-block generated GPT-2.</summary>
[Trait("Category", "Slow")]
public sealed class GuardChainCliTests : IDisposable
{
    private static readonly TinyGpt2Options SixBlocks = CheckpointFactory.DefaultOptions with { Layers = 6 };
    private static readonly string[] Plan = ["--seq-len", "64", "--preview-n", "16", "--final-n", "16"];
    private readonly TempFolder _temp = new("invarlock-cli-guards");

    public void Dispose() => _temp.Dispose();

    private static JsonArray Guards(string outDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "evaluation.report.json")))!["guards"]!.AsArray();

    [Theory]
    [InlineData("balanced")]
    [InlineData("conservative")]
    [InlineData("aggressive")]
    public void Evaluate_QuantRtnInt8_PassesEveryGuard(string tier)
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path, "baseline", SixBlocks);
        string outDir = _temp.Combine("out");

        var (exit, stdout, stderr) = CliRun.Invoke(["evaluate", .. Plan, "--baseline", baseline, "--edit", "quant_rtn", "--tier", tier, "--out", outDir]);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.All(Guards(outDir), g => Assert.True(g!["passed"]!.GetValue<bool>(), g!["name"] + " failed"));
    }

    [Fact]
    public void Evaluate_MlpTimesThree_SpectralRollsBackAndExitsOne()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path, "baseline", SixBlocks);
        string subject = CheckpointFactory.ScaleWeights(baseline, _temp.Path, "mlp3", 3f,
            n => n.Contains(".mlp.", StringComparison.Ordinal) && n.EndsWith(".weight", StringComparison.Ordinal));
        string outDir = _temp.Combine("out");

        var (exit, stdout, _) = CliRun.Invoke(["evaluate", .. Plan, "--baseline", baseline, "--subject", subject, "--out", outDir]);

        Assert.Equal(1, exit);
        JsonNode spectral = Guards(outDir).First(g => g!["name"]!.GetValue<string>() == "spectral")!;
        Assert.False(spectral["passed"]!.GetValue<bool>());
        Assert.Equal("rollback", spectral["action"]!.GetValue<string>());
        Assert.Contains("a guard asked for rollback", stdout);
    }

    [Fact]
    public void Evaluate_RankOneAttentionProjection_TripsDegeneracy()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path, "baseline", SixBlocks);
        int embd = SixBlocks.Embd;
        string subject = CheckpointFactory.RewriteWeights(baseline, _temp.Path, "rank1", (name, data) =>
        {
            if (name == "transformer.h.2.attn.c_proj.weight")
            {
                // Every row becomes a multiple of the first: rank 1.
                for (int r = 1; r < embd; r++)
                {
                    for (int c = 0; c < embd; c++)
                    {
                        data[r * embd + c] = data[c] * (1 + (r % 5));
                    }
                }
            }
        });
        string outDir = _temp.Combine("out");

        var (exit, _, _) = CliRun.Invoke(["evaluate", .. Plan, "--baseline", baseline, "--subject", subject, "--out", outDir]);

        Assert.Equal(1, exit);
        JsonNode spectral = Guards(outDir).First(g => g!["name"]!.GetValue<string>() == "spectral")!;
        Assert.Contains(spectral["violations"]!.AsArray(), v => v!.ToJsonString().Contains("transformer.h.2.attn.c_proj", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_UnknownGuardInPolicy_ExitsTwo()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);

        var (exit, _, stderr) = CliRun.Invoke(["evaluate", .. Plan, "--baseline", baseline, "--edit", "noop",
            "--policy", "guard_order=[invariants, magic]", "--out", _temp.Combine("out")]);

        Assert.Equal(2, exit);
        Assert.Contains("unknown guard 'magic'", stderr);
    }

    [Fact]
    public void Evaluate_InvalidGuardPolicyValue_ExitsTwoNamingKey()
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path);

        var (exit, _, stderr) = CliRun.Invoke(["evaluate", .. Plan, "--baseline", baseline, "--edit", "noop",
            "--policy", "guards.spectral.sigma_quantile=3", "--out", _temp.Combine("out")]);

        Assert.Equal(2, exit);
        Assert.Contains("guards.spectral.sigma_quantile", stderr);
    }
}
