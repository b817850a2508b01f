using System.Diagnostics;
using System.Globalization;
using InvarLock.Models.Generation;
using InvarLock.Models.Safetensors;

namespace InvarLock.Benchmarks;

/// <summary><c>--quick make-llama DIR [--layers N] [--hidden D] [--heads H] [--kv-heads K] [--intermediate I]
/// [--vocab V] [--dtype F32|F16|BF16] [--seed S] [--linear-scale X]</c>: writes a LLaMA-shaped checkpoint (RMSNorm, RoPE, GQA, SwiGLU,
/// untied head) with random initialisation in the Hugging Face folder layout, sharded at 2 GB like the hub's.</summary>
/// <remarks>The defaults are a 1.1B-parameter model in BF16 (16 layers, width 2048, 32 heads over 8 KV heads, MLP
/// 8192, vocabulary 32000), the shape of TinyLlama-1.1B, for the memory benchmark in docs/performance.md.
/// <c>--linear-scale</c> (<see cref="TinyDecoderOptions.LinearScale"/>) above 1 sharpens the logits, so that a parity
/// check between engines (benchmarks/compare/run.sh) is sensitive to the attention and rotary math.</remarks>
internal static class LlamaCheckpoint
{
    internal static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: --quick make-llama DIR [--layers N] [--hidden D] [--heads H] [--kv-heads K] " +
                "[--intermediate I] [--vocab V] [--dtype F32|F16|BF16] [--seed S] [--linear-scale X]");
            return 2;
        }
        string dtypeName = QuickArgs.Value(args, "--dtype") ?? "BF16";
        if (!SafetensorsDTypes.TryParse(dtypeName, out SafetensorsDType dtype)
            || dtype is not (SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16))
        {
            Console.Error.WriteLine($"--dtype {dtypeName}: choose F32, F16 or BF16");
            return 2;
        }
        var options = new TinyDecoderOptions
        {
            Family = TinyDecoderFamily.Llama,
            Layers = QuickArgs.Int(args, "--layers", 16),
            Hidden = QuickArgs.Int(args, "--hidden", 2048),
            Heads = QuickArgs.Int(args, "--heads", 32),
            KvHeads = QuickArgs.Int(args, "--kv-heads", 8),
            Intermediate = QuickArgs.Int(args, "--intermediate", 8192),
            ConfigVocabSize = QuickArgs.Int(args, "--vocab", 32000),
            Positions = 2048,
            TieWordEmbeddings = false,
            DType = dtype,
            MaxShardBytes = 2_000_000_000,
            Seed = QuickArgs.Int(args, "--seed", 1234),
            LinearScale = QuickArgs.Value(args, "--linear-scale") is { } scale ? double.Parse(scale, CultureInfo.InvariantCulture) : 1.0,
        };
        var clock = Stopwatch.StartNew();
        TinyDecoderGenerator.Generate(args[0], options);
        long bytes = 0;
        foreach (string file in Directory.GetFiles(args[0], "*.safetensors"))
        {
            bytes += new FileInfo(file).Length;
        }
        Console.WriteLine($"{args[0]}: llama {options.Layers}x{options.Hidden}, {dtype}, {bytes / 1e9:F2} GB of weights in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
