using InvarLock.Metrics;
using InvarLock.Models.Decoder;
using System.Text.Json.Nodes;
using InvarLock.Models.Generation;
using InvarLock.Models.Gpt2;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Models;
using Xunit.Abstractions;

namespace InvarLock.Models.Tests.Generation;

/// <summary>Checks of the independent PyTorch reference (tests/tools/decoder_reference.py) on generated folders:
/// parity with the existing C# GPT-2, and properties of the RMSNorm/RoPE families that a wrong implementation breaks.</summary>
/// <remarks>Needs <c>/usr/bin/python3</c> with Debian <c>python3-torch</c> and <c>python3-numpy</c>.</remarks>
[Trait("Category", "Parity")]
public sealed class DecoderReferenceTests(ITestOutputHelper output) : IDisposable
{
    // DESIGN.md "Numbers this project must reach": forward-pass parity with PyTorch float32.
    private const double MaxLogitDifference = 1e-4;
    private const double MaxRelativeNllDifference = 1e-5;

    // Two runs of the same float32 math that differ only in layout (expanded KV heads, split fused projections):
    // the matmuls sum in a different order at most, a few ulps of values of magnitude ≤ 10.
    private const double SameMathTolerance = 1e-5;

    // float32 rounding of the rotary frequencies (the reference computes them in float32 as Hugging Face does).
    private const double InverseFrequencyRelativeTolerance = 2e-6;

    private readonly TempFolder _temp = new("decoder-ref");

    public void Dispose() => _temp.Dispose();

    private string Generate(string name, TinyDecoderOptions options)
    {
        string folder = _temp.Combine(name);
        TinyDecoderGenerator.Generate(folder, options);
        return folder;
    }

    private static int[] Tokens(int length, int vocab, int seed)
    {
        var rng = new Random(seed);
        var ids = new int[length];
        for (int i = 0; i < length; i++)
        {
            ids[i] = rng.Next(vocab);
        }
        return ids;
    }

    [Theory]
    [InlineData(SafetensorsDType.F32, true)]
    [InlineData(SafetensorsDType.F16, false)]
    public void Reference_Gpt2Folder_MatchesTheCSharpGpt2Model(SafetensorsDType dtype, bool tied)
    {
        // Linear weights 5× the init std (as Gpt2ParityTests): attention is peaked and the comparison sensitive.
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Gpt2) with
        {
            DType = dtype, LinearScale = 5, TieWordEmbeddings = tied, ConfigVocabSize = tied ? null : 700, Seed = 11,
        };
        string folder = Generate("gpt2", options);
        using IModel model = new HfCausalAdapter().Load(folder, new ModelLoadOptions { Threads = 1 });
        var gpt2 = (DecoderModel)model;
        int vocab = model.Description.VocabSize;
        int[][] windows = [Tokens(64, vocab, 1), Tokens(options.Positions, vocab, 2), Tokens(17, vocab, 3)];
        DecoderReferenceResult reference = DecoderReference.Run(folder, windows, _temp.Path);
        IReadOnlyList<WindowLoss> losses = model.CausalLosses(windows.Select(w => (ReadOnlyMemory<int>)w).ToArray());
        Assert.Equal(vocab, reference.VocabSize);
        for (int w = 0; w < windows.Length; w++)
        {
            double maxDiff = MaxAbsDifference(gpt2.ComputeLogits(windows[w]), reference.Logits![w]);
            double relNll = Math.Abs(losses[w].LossSum - reference.Nll[w]) / Math.Abs(reference.Nll[w]);
            output.WriteLine($"{dtype} window {w} ({windows[w].Length} tokens): max |Δlogit| {maxDiff:E3}, NLL rel {relNll:E3}; torch {reference.TorchVersion}");
            Assert.Equal(windows[w].Length - 1, reference.TokenCounts[w]);
            Assert.True(maxDiff <= MaxLogitDifference, $"window {w}: max |Δlogit| {maxDiff:E3}");
            Assert.True(relNll <= MaxRelativeNllDifference, $"window {w}: NLL relative difference {relNll:E3}");
        }
    }

    [Theory]
    [InlineData(TinyDecoderFamily.Llama, SafetensorsDType.BF16)]
    [InlineData(TinyDecoderFamily.Gemma, SafetensorsDType.F32)]
    [InlineData(TinyDecoderFamily.Qwen2, SafetensorsDType.F16)]
    public void Reference_ZeroOutputProjections_GivesNormalisedEmbeddingTimesHead(TinyDecoderFamily family, SafetensorsDType dtype)
    {
        // With every o_proj and down_proj zero (and no o bias) each block adds nothing, so the logits are
        // final_norm(embed[ids] (× √hidden for gemma)) · headᵀ, computed here by hand in double. A large eps makes the
        // norm sensitive to the scale of its input, so gemma's embedding scale shows.
        TinyDecoderOptions options = TinyDecoderPresets.Demo(family) with
        {
            DType = dtype, ConfigVocabSize = 32000, NormEpsilon = 1e-2, Layers = 1,
        };
        string folder = Generate("zero", options);
        List<SafetensorsTensor> tensors = HfFolderEditor.ReadTensors(folder);
        foreach (SafetensorsTensor t in tensors)
        {
            if (t.Name.EndsWith("o_proj.weight", StringComparison.Ordinal) || t.Name.EndsWith("down_proj.weight", StringComparison.Ordinal))
            {
                Array.Clear(t.Data);
            }
        }
        HfFolderEditor.WriteTensors(folder, tensors, dtype);
        int[][] windows = [Tokens(12, 32000, 5)];
        DecoderReferenceResult reference = DecoderReference.Run(folder, windows, _temp.Path);

        int d = options.Hidden, vocab = 32000;
        float[] embed = tensors.Get("model.embed_tokens.weight").Data;
        float[] head = TinyDecoderGenerator.IsTied(options) ? embed : tensors.Get("lm_head.weight").Data;
        float[] norm = tensors.Get("model.norm.weight").Data;
        bool gemma = family == TinyDecoderFamily.Gemma;
        float scale = gemma ? (float)Math.Sqrt(d) : 1f;
        double worst = 0;
        for (int t = 0; t < windows[0].Length; t++)
        {
            var x = new double[d];
            double meanSquare = 0;
            for (int j = 0; j < d; j++)
            {
                x[j] = embed[windows[0][t] * d + j] * scale;
                meanSquare += x[j] * x[j] / d;
            }
            double inv = 1 / Math.Sqrt(meanSquare + options.NormEpsilon!.Value);
            for (int j = 0; j < d; j++)
            {
                x[j] *= inv * ((gemma ? 1 : 0) + norm[j]);
            }
            for (int v = 0; v < vocab; v++)
            {
                double logit = 0;
                for (int j = 0; j < d; j++)
                {
                    logit += x[j] * head[v * d + j];
                }
                worst = Math.Max(worst, Math.Abs(logit - reference.Logits![0][t * vocab + v]));
            }
        }
        output.WriteLine($"{family} {dtype}: max |Δlogit| vs hand computation {worst:E3}");
        Assert.True(worst <= MaxLogitDifference, $"max |Δlogit| {worst:E3}");
    }

    [Fact]
    public void Reference_GroupedQueryAttention_EqualsMultiHeadWithEachKvHeadRepeatedConsecutively()
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Llama) with { KvHeads = 2, LinearScale = 5 };
        string gqa = Generate("gqa", options);
        string mha = HfFolderEditor.Copy(gqa, _temp.Combine("mha"));
        int hd = TinyDecoderGenerator.HeadDimOf(options), d = options.Hidden;
        List<SafetensorsTensor> tensors = HfFolderEditor.ReadTensors(gqa);
        var expanded = new List<SafetensorsTensor>();
        foreach (SafetensorsTensor t in tensors)
        {
            bool kv = t.Name.EndsWith("k_proj.weight", StringComparison.Ordinal) || t.Name.EndsWith("v_proj.weight", StringComparison.Ordinal);
            if (!kv)
            {
                expanded.Add(t);
                continue;
            }
            // Query head j reads KV head j / (heads / kv heads): MHA head j gets the rows of GQA head j / 2.
            var data = new float[options.Heads * hd * d];
            for (int head = 0; head < options.Heads; head++)
            {
                Array.Copy(t.Data, head / 2 * hd * d, data, head * hd * d, hd * d);
            }
            expanded.Add(new SafetensorsTensor(t.Name, [options.Heads * hd, d], data));
        }
        HfFolderEditor.WriteTensors(mha, expanded);
        HfFolderEditor.EditConfig(mha, c => c["num_key_value_heads"] = options.Heads);
        AssertSameLogits(gqa, mha, [Tokens(40, 500, 7)]);
    }

    [Fact]
    public void Reference_Phi3FusedProjections_EqualLlamaWithTheSplitTensors()
    {
        // Splitting qkv_proj as q, k, v and gate_up_proj as gate, up (in that order) gives the same model as llama.
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Phi3) with { KvHeads = 2, LinearScale = 5 };
        string phi3 = Generate("phi3", options);
        string llama = HfFolderEditor.Copy(phi3, _temp.Combine("llama"));
        int hd = TinyDecoderGenerator.HeadDimOf(options), d = options.Hidden, inner = TinyDecoderGenerator.IntermediateOf(options);
        int q = options.Heads * hd, kv = 2 * hd;
        var split = new List<SafetensorsTensor>();
        foreach (SafetensorsTensor t in HfFolderEditor.ReadTensors(phi3))
        {
            string prefix = t.Name[..(t.Name.LastIndexOf('.', t.Name.Length - ".weight".Length - 1) + 1)];
            if (t.Name.EndsWith("qkv_proj.weight", StringComparison.Ordinal))
            {
                split.Add(Rows(t, prefix + "q_proj.weight", 0, q, d));
                split.Add(Rows(t, prefix + "k_proj.weight", q, kv, d));
                split.Add(Rows(t, prefix + "v_proj.weight", q + kv, kv, d));
            }
            else if (t.Name.EndsWith("gate_up_proj.weight", StringComparison.Ordinal))
            {
                split.Add(Rows(t, prefix + "gate_proj.weight", 0, inner, d));
                split.Add(Rows(t, prefix + "up_proj.weight", inner, inner, d));
            }
            else
            {
                split.Add(t);
            }
        }
        HfFolderEditor.WriteTensors(llama, split);
        HfFolderEditor.EditConfig(llama, c =>
        {
            c["model_type"] = "llama";
            c["architectures"] = new JsonArray("LlamaForCausalLM");
        });
        AssertSameLogits(phi3, llama, [Tokens(40, 500, 8)]);
    }

    [Fact]
    public void Reference_MistralSlidingWindow_ChangesOnlyPositionsPastTheWindow()
    {
        const int Window = 8;
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Mistral) with { SlidingWindow = Window, LinearScale = 5 };
        string windowed = Generate("window", options);
        string full = HfFolderEditor.Copy(windowed, _temp.Combine("full"));
        HfFolderEditor.EditConfig(full, c => c["sliding_window"] = null);
        int[][] windows = [Tokens(24, 500, 9)];
        float[] a = DecoderReference.Run(windowed, windows, _temp.Path).Logits![0];
        float[] b = DecoderReference.Run(full, windows, _temp.Path).Logits![0];
        int vocab = a.Length / 24;
        for (int t = 0; t < 24; t++)
        {
            double diff = MaxAbsDifference(a.AsSpan(t * vocab, vocab), b.AsSpan(t * vocab, vocab));
            if (t < Window)
            {
                Assert.True(diff == 0, $"position {t} (inside the window) differs by {diff:E3}");
            }
            else
            {
                Assert.True(diff > 1e-3, $"position {t} (past the window) differs by only {diff:E3}");
            }
        }
        // A window at least as long as the sequence changes nothing.
        HfFolderEditor.EditConfig(full, c => c["sliding_window"] = 24);
        Assert.Equal(b, DecoderReference.Run(full, windows, _temp.Path).Logits![0]);
    }

    [Fact]
    public void Reference_Qwen3QkNorm_MakesTheModelBlindToTheScaleOfQAndK()
    {
        // RMSNorm per head before RoPE: scaling q_proj and k_proj by 3 must not change qwen3's logits (eps aside), while
        // the same change moves llama's (the control shows the check can fail).
        foreach (TinyDecoderFamily family in new[] { TinyDecoderFamily.Qwen3, TinyDecoderFamily.Llama })
        {
            TinyDecoderOptions options = TinyDecoderPresets.Demo(family) with { NormEpsilon = 1e-12, LinearScale = 5 };
            string folder = Generate(family + "-base", options);
            string scaled = HfFolderEditor.Copy(folder, _temp.Combine(family + "-scaled"));
            List<SafetensorsTensor> tensors = HfFolderEditor.ReadTensors(folder);
            foreach (SafetensorsTensor t in tensors)
            {
                if (t.Name.EndsWith("q_proj.weight", StringComparison.Ordinal) || t.Name.EndsWith("k_proj.weight", StringComparison.Ordinal))
                {
                    for (int i = 0; i < t.Data.Length; i++)
                    {
                        t.Data[i] *= 3f;
                    }
                }
            }
            HfFolderEditor.WriteTensors(scaled, tensors);
            int[][] windows = [Tokens(32, 500, 10)];
            double diff = MaxAbsDifference(DecoderReference.Run(folder, windows, _temp.Path).Logits![0],
                DecoderReference.Run(scaled, windows, _temp.Path).Logits![0]);
            output.WriteLine($"{family}: max |Δlogit| after scaling q and k by 3: {diff:E3}");
            if (family == TinyDecoderFamily.Qwen3)
            {
                Assert.True(diff <= MaxLogitDifference, $"qwen3 moved by {diff:E3}");
            }
            else
            {
                Assert.True(diff > 1e-2, $"llama moved by only {diff:E3}");
            }
        }
    }

    [Theory]
    [InlineData("default", 20)]
    [InlineData("linear", 20)]
    [InlineData("dynamic", 12)]
    [InlineData("dynamic", 40)]
    [InlineData("llama3", 20)]
    [InlineData("partial", 20)]
    public void Reference_RotaryFrequencies_FollowThePublishedFormulas(string kind, int length)
    {
        const int MaxPositions = 16;
        const double Theta = 10000;
        TinyRopeScaling? scaling = kind switch
        {
            "linear" => TinyRopeScaling.Linear(2.5),
            "dynamic" => TinyRopeScaling.Dynamic(4.0),
            "llama3" => TinyRopeScaling.Llama3(),
            _ => null,
        };
        double partial = kind == "partial" ? 0.5 : 1.0;
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Llama) with
        {
            RopeScaling = scaling, PartialRotaryFactor = partial, RopeTheta = Theta, Positions = MaxPositions,
        };
        string folder = Generate("rope", options);
        double[] actual = DecoderReference.Run(folder, [Tokens(length, 500, 11)], _temp.Path, withLogits: false).InverseFrequencies[0]!;

        int d = (int)(TinyDecoderGenerator.HeadDimOf(options) * partial);
        double theta = Theta;
        if (kind == "dynamic" && length > MaxPositions)
        {
            double factor = scaling!.Factor;
            theta *= Math.Pow(factor * length / MaxPositions - (factor - 1), d / (d - 2.0));
        }
        Assert.Equal(d / 2, actual.Length);
        int medium = 0, low = 0;
        for (int i = 0; i < d / 2; i++)
        {
            double inv = 1 / Math.Pow(theta, 2.0 * i / d);
            if (kind == "linear")
            {
                inv /= scaling!.Factor;
            }
            else if (kind == "llama3")
            {
                double original = scaling!.OriginalMaxPositionEmbeddings!.Value;
                double lowFactor = scaling.LowFreqFactor!.Value, highFactor = scaling.HighFreqFactor!.Value;
                double wavelength = 2 * Math.PI / inv;
                if (wavelength > original / lowFactor)
                {
                    inv /= scaling.Factor;
                    low++;
                }
                else if (wavelength >= original / highFactor)
                {
                    double smooth = (original / wavelength - lowFactor) / (highFactor - lowFactor);
                    inv = (1 - smooth) * inv / scaling.Factor + smooth * inv;
                    medium++;
                }
            }
            Assert.True(Math.Abs(actual[i] - inv) <= InverseFrequencyRelativeTolerance * inv,
                $"inv_freq[{i}] = {actual[i]:R}, expected {inv:R}");
        }
        if (kind == "llama3")
        {
            // head_dim 16 over theta 10000 reaches all three llama3 bands.
            Assert.True(medium > 0 && low > 0, $"{medium} medium and {low} low-frequency dims");
        }
    }

    [Theory]
    [InlineData(SafetensorsDType.BF16)]
    [InlineData(SafetensorsDType.F16)]
    public void Reference_HalfPrecisionFolder_EqualsTheFloat32FolderOfTheSameValues(SafetensorsDType dtype)
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Llama) with { DType = dtype, AttentionBias = true };
        string half = Generate("half", options);
        string wide = HfFolderEditor.Copy(half, _temp.Combine("wide"));
        HfFolderEditor.WriteTensors(wide, HfFolderEditor.ReadTensors(half), SafetensorsDType.F32);
        AssertSameLogits(half, wide, [Tokens(20, 500, 12)], exact: true);
    }

    [Fact]
    public void Reference_ShardedFolder_EqualsTheSingleFile()
    {
        TinyDecoderOptions options = TinyDecoderPresets.Demo(TinyDecoderFamily.Qwen3) with { DType = SafetensorsDType.BF16 };
        AssertSameLogits(Generate("single", options), Generate("sharded", options with { MaxShardBytes = 100_000 }),
            [Tokens(20, 500, 13)], exact: true);
    }

    [Fact]
    public void Reference_UnsupportedInputs_ExitTwoWithAOneLineReason()
    {
        string folder = Generate("llama", TinyDecoderPresets.Demo(TinyDecoderFamily.Llama));
        int[][] windows = [Tokens(8, 500, 14)];

        string bert = HfFolderEditor.Copy(folder, _temp.Combine("bert"));
        HfFolderEditor.EditConfig(bert, c => c["model_type"] = "bert");
        AssertRefused(bert, windows, "model_type 'bert' is not supported (supported: gpt2, llama, mistral, qwen2, qwen3, phi3, gemma)");

        string yarn = HfFolderEditor.Copy(folder, _temp.Combine("yarn"));
        HfFolderEditor.EditConfig(yarn, c => c["rope_scaling"] = new JsonObject { ["rope_type"] = "yarn", ["factor"] = 4.0 });
        AssertRefused(yarn, windows, "rope_scaling type 'yarn' is not supported");

        string extra = HfFolderEditor.Copy(folder, _temp.Combine("extra"));
        List<SafetensorsTensor> tensors = HfFolderEditor.ReadTensors(folder);
        tensors.Add(new SafetensorsTensor("model.layers.0.self_attn.o_proj.bias", [64], new float[64]));
        HfFolderEditor.WriteTensors(extra, tensors);
        AssertRefused(extra, windows, "unexpected tensor 'model.layers.0.self_attn.o_proj.bias'");

        string untiedHead = HfFolderEditor.Copy(folder, _temp.Combine("tied"));
        HfFolderEditor.EditConfig(untiedHead, c => c["tie_word_embeddings"] = true);
        AssertRefused(untiedHead, windows, "the stored lm_head.weight differs from the embedding");
    }

    private void AssertRefused(string folder, int[][] windows, string reason)
    {
        (int exitCode, string stderr) = DecoderReference.RunExpectingFailure(folder, windows, _temp.Path);
        output.WriteLine(stderr.Trim());
        Assert.Equal(2, exitCode);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    private void AssertSameLogits(string a, string b, int[][] windows, bool exact = false)
    {
        DecoderReferenceResult first = DecoderReference.Run(a, windows, _temp.Path);
        DecoderReferenceResult second = DecoderReference.Run(b, windows, _temp.Path);
        for (int w = 0; w < windows.Length; w++)
        {
            double diff = MaxAbsDifference(first.Logits![w], second.Logits![w]);
            output.WriteLine($"window {w}: max |Δlogit| {diff:E3}");
            Assert.True(exact ? diff == 0 : diff <= SameMathTolerance, $"window {w}: max |Δlogit| {diff:E3}");
        }
    }

    private static SafetensorsTensor Rows(SafetensorsTensor t, string name, int firstRow, int rows, int columns) =>
        new(name, [rows, columns], t.Data.AsSpan(firstRow * columns, rows * columns).ToArray());

    private static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]));
        }
        return worst;
    }
}
