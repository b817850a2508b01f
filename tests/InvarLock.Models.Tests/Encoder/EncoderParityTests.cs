using InvarLock.Models.Encoder;
using InvarLock.Models.Generation;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Models;
using Xunit.Abstractions;

namespace InvarLock.Models.Tests.Encoder;

/// <summary>Parity of the encoder engine with the independent PyTorch float32 reference (tests/tools/encoder_reference.py,
/// written from the published BERT / RoBERTa math) on generated checkpoints of several shapes and stored types.</summary>
/// <remarks>Needs <c>/usr/bin/python3</c> with Debian <c>python3-torch</c> and <c>python3-numpy</c>.</remarks>
[Trait("Category", "Parity")]
public sealed class EncoderParityTests(ITestOutputHelper output) : IDisposable
{
    // DESIGN.md "Numbers this project must reach": forward-pass parity with PyTorch float32.
    private const double MaxLogitDifference = 1e-4;
    private const double MaxRelativeNllDifference = 1e-5;

    private readonly TempFolder _temp = new("encoder-parity");

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, SafetensorsDType> Cases() => new()
    {
        { "bert", SafetensorsDType.F32 },
        { "bert-base-vocab", SafetensorsDType.BF16 },
        { "bert-deep-narrow", SafetensorsDType.F16 },
        { "bert-stored-decoder", SafetensorsDType.F32 },
        { "roberta", SafetensorsDType.F32 },
        { "roberta-large-vocab", SafetensorsDType.BF16 },
    };

    private static (TinyEncoderOptions Options, int[] Lengths) Case(string name, SafetensorsDType dtype)
    {
        TinyEncoderOptions bert = TinyEncoderGenerator.Demo with { DType = dtype, LinearScale = 3, Seed = 11 };
        TinyEncoderOptions roberta = bert with { Family = TinyEncoderFamily.Roberta, TypeVocab = 1 };
        return name switch
        {
            "bert" => (bert, [64, 9, 1]),
            "bert-base-vocab" => (bert with { ConfigVocabSize = 30522 }, [48]),
            "bert-deep-narrow" => (bert with { Layers = 4, Hidden = 32, Heads = 8, Intermediate = 96 }, [128, 17]),
            "bert-stored-decoder" => (bert with { StoreTiedDecoder = true }, [33]),
            "roberta" => (roberta, [128, 5]),
            "roberta-large-vocab" => (roberta with { ConfigVocabSize = 50265, Heads = 2 }, [40]),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such parity case"),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ComputeLogits_GeneratedCheckpoint_MatchesThePyTorchReference(string name, SafetensorsDType dtype)
    {
        (TinyEncoderOptions options, int[] lengths) = Case(name, dtype);
        string folder = _temp.Combine(name);
        TinyEncoderGenerator.Generate(folder, options);
        using IModel model = new HfMlmAdapter().Load(folder, new ModelLoadOptions { Threads = 2 });
        var encoder = (EncoderModel)model;
        Assert.Equal("mlm", model.Description.Objective);
        int vocab = model.Description.VocabSize;
        var rng = new Random(5);
        int[][] windows = Array.ConvertAll(lengths, n => Enumerable.Range(0, n).Select(_ => rng.Next(vocab)).ToArray());

        DecoderReferenceResult reference = DecoderReference.Run(folder, windows, _temp.Path, script: DecoderReference.EncoderScriptPath);

        Assert.Equal(vocab, reference.VocabSize);
        for (int w = 0; w < windows.Length; w++)
        {
            float[] logits = encoder.ComputeLogits(windows[w]);
            Assert.Equal(reference.Logits![w].Length, logits.Length);
            double maxDiff = 0, nll = 0;
            for (int t = 0; t < windows[w].Length; t++)
            {
                ReadOnlySpan<float> row = logits.AsSpan(t * vocab, vocab);
                nll += Compute.Softmax.LogSumExp(row) - row[windows[w][t]];
            }
            for (int i = 0; i < logits.Length; i++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(logits[i] - (double)reference.Logits[w][i]));
            }
            double relNll = Math.Abs(nll - reference.Nll[w]) / Math.Abs(reference.Nll[w]);
            output.WriteLine($"{name} {dtype} vocab {vocab} window {w} ({windows[w].Length} tokens): max |Δlogit| {maxDiff:E2}, " +
                $"NLL rel {relNll:E2}; torch {reference.TorchVersion}");
            Assert.True(maxDiff <= MaxLogitDifference, $"{name} window {w}: max |Δlogit| {maxDiff:E3}");
            Assert.True(relNll <= MaxRelativeNllDifference, $"{name} window {w}: NLL relative difference {relNll:E3}");
        }
    }
}
