using InvarLock.Metrics;
using InvarLock.Models.Decoder;
using InvarLock.Models.Generation;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Models;
using Xunit.Abstractions;

namespace InvarLock.Models.Tests.Decoder;

/// <summary>Parity of the one decoder engine, family by family, with the independent PyTorch float32 reference
/// (tests/tools/decoder_reference.py, written from the published model math) on generated checkpoints stored F32, F16
/// and BF16 with real-sized vocabularies.</summary>
/// <remarks>Needs <c>/usr/bin/python3</c> with Debian <c>python3-torch</c> and <c>python3-numpy</c>.</remarks>
[Trait("Category", "Parity")]
public sealed class DecoderParityTests(ITestOutputHelper output) : IDisposable
{
    // DESIGN.md "Numbers this project must reach": forward-pass parity with PyTorch float32.
    private const double MaxLogitDifference = 1e-4;
    private const double MaxRelativeNllDifference = 1e-5;
    private const double InverseFrequencyRelativeTolerance = 2e-6;

    private readonly TempFolder _temp = new("decoder-parity");

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, SafetensorsDType> Cases() => new()
    {
        { "gpt2", SafetensorsDType.BF16 },
        { "llama", SafetensorsDType.F32 },
        { "llama-untied", SafetensorsDType.BF16 },
        { "llama3-rope-gqa4", SafetensorsDType.BF16 },
        { "llama-mqa-linear-rope", SafetensorsDType.F16 },
        { "llama-dynamic-rope", SafetensorsDType.F32 },
        { "llama-attention-bias", SafetensorsDType.F16 },
        { "mistral-sliding-window", SafetensorsDType.BF16 },
        { "qwen2", SafetensorsDType.F16 },
        { "qwen3", SafetensorsDType.BF16 },
        { "phi3", SafetensorsDType.F32 },
        { "phi3-partial-rotary", SafetensorsDType.BF16 },
        { "gemma", SafetensorsDType.BF16 },
        { "gemma", SafetensorsDType.F32 },
    };

    /// <summary>The generated checkpoint of each case, and the window lengths it is evaluated on.</summary>
    internal static (TinyDecoderOptions Options, int[] Lengths) Case(string name, SafetensorsDType dtype)
    {
        TinyDecoderOptions Demo(TinyDecoderFamily family) =>
            TinyDecoderPresets.Demo(family) with { DType = dtype, LinearScale = 3, Seed = 7 };
        return name switch
        {
            "gpt2" => (Demo(TinyDecoderFamily.Gpt2) with { ConfigVocabSize = 50257 }, [64, 17]),
            "llama" => (Demo(TinyDecoderFamily.Llama) with { ConfigVocabSize = 32000, TieWordEmbeddings = true }, [64, 9]),
            "llama-untied" => (Demo(TinyDecoderFamily.Llama) with { ConfigVocabSize = 32000, TieWordEmbeddings = false }, [48]),
            "llama3-rope-gqa4" => (Demo(TinyDecoderFamily.Llama) with
            {
                ConfigVocabSize = 128256, Heads = 8, KvHeads = 2, Hidden = 64, RopeTheta = 500000,
                RopeScaling = TinyRopeScaling.Llama3(8, 1, 4, 64), TieWordEmbeddings = true,
            }, [40]),
            "llama-mqa-linear-rope" => (Demo(TinyDecoderFamily.Llama) with
            {
                ConfigVocabSize = 32000, KvHeads = 1, RopeScaling = TinyRopeScaling.Linear(4),
            }, [48]),
            "llama-dynamic-rope" => (Demo(TinyDecoderFamily.Llama) with
            {
                ConfigVocabSize = 32000, Positions = 32, RopeScaling = TinyRopeScaling.Dynamic(2),
            }, [24, 56]),
            "llama-attention-bias" => (Demo(TinyDecoderFamily.Llama) with { ConfigVocabSize = 32000, AttentionBias = true }, [33]),
            "mistral-sliding-window" => (Demo(TinyDecoderFamily.Mistral) with { ConfigVocabSize = 32000, SlidingWindow = 8 }, [40]),
            "qwen2" => (Demo(TinyDecoderFamily.Qwen2) with { ConfigVocabSize = 151936 }, [32]),
            "qwen3" => (Demo(TinyDecoderFamily.Qwen3) with { ConfigVocabSize = 151936 }, [32]),
            "phi3" => (Demo(TinyDecoderFamily.Phi3) with { ConfigVocabSize = 32064 }, [48]),
            "phi3-partial-rotary" => (Demo(TinyDecoderFamily.Phi3) with { ConfigVocabSize = 32064, PartialRotaryFactor = 0.5 }, [40]),
            "gemma" => (Demo(TinyDecoderFamily.Gemma) with { ConfigVocabSize = 256000 }, [24]),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such parity case"),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_GeneratedCheckpoint_MatchesThePyTorchReference(string name, SafetensorsDType dtype)
    {
        (TinyDecoderOptions options, int[] lengths) = Case(name, dtype);
        string folder = _temp.Combine(name);
        TinyDecoderGenerator.Generate(folder, options);
        using IModel model = new HfCausalAdapter().Load(folder, new ModelLoadOptions { Threads = 2 });
        var decoder = (DecoderModel)model;
        Assert.Equal(dtype == SafetensorsDType.F32 ? "F32" : SafetensorsDTypes.ToHeaderName(dtype), model.Description.StoredDType);
        int vocab = model.Description.VocabSize;
        var rng = new Random(3);
        int[][] windows = Array.ConvertAll(lengths, n => Enumerable.Range(0, n).Select(_ => rng.Next(vocab)).ToArray());

        DecoderReferenceResult reference = DecoderReference.Run(folder, windows, _temp.Path);
        IReadOnlyList<WindowLoss> losses = model.CausalLosses(windows.Select(w => (ReadOnlyMemory<int>)w).ToArray());

        Assert.Equal(vocab, reference.VocabSize);
        for (int w = 0; w < windows.Length; w++)
        {
            float[] logits = decoder.ComputeLogits(windows[w]);
            double maxDiff = 0;
            for (int i = 0; i < logits.Length; i++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(logits[i] - (double)reference.Logits![w][i]));
            }
            double relNll = Math.Abs(losses[w].LossSum - reference.Nll[w]) / Math.Abs(reference.Nll[w]);
            output.WriteLine($"{name} {dtype} vocab {vocab} window {w} ({windows[w].Length} tokens): max |Δlogit| {maxDiff:E2}, " +
                $"NLL rel {relNll:E2}; torch {reference.TorchVersion}");
            Assert.Equal(windows[w].Length - 1, losses[w].TokenCount);
            Assert.True(maxDiff <= MaxLogitDifference, $"{name} window {w}: max |Δlogit| {maxDiff:E3}");
            Assert.True(relNll <= MaxRelativeNllDifference, $"{name} window {w}: NLL relative difference {relNll:E3}");
            if (reference.InverseFrequencies[w] is { } expected)
            {
                float[] actual = decoder.InverseFrequencies(windows[w].Length)!;
                Assert.Equal(expected.Length, actual.Length);
                for (int i = 0; i < expected.Length; i++)
                {
                    Assert.True(Math.Abs(actual[i] - expected[i]) <= InverseFrequencyRelativeTolerance * Math.Abs(expected[i]),
                        $"{name} inv_freq[{i}] {actual[i]} vs {expected[i]}");
                }
            }
        }
    }
}
