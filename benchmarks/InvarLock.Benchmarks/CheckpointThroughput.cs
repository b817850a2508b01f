using InvarLock.Metrics;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InvarLock.Compute;
using InvarLock.Data.Synthetic;
using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Models;

namespace InvarLock.Benchmarks;

/// <summary><c>--quick eval DIR [--seq-len N] [--windows N] [--threads T] [--repeats R] [--seed S] [--windows-out FILE]</c>:
/// loads a checkpoint folder, tokenizes <see cref="SyntheticCorpus"/> text with the checkpoint's tokenizer, cuts
/// consecutive non-overlapping windows, evaluates one window as a warm-up, then times <see cref="IModel.Evaluate"/>
/// over all windows (best of R runs) and prints tokens/s and each window's loss sum.</summary>
/// <remarks>tokens/s = windows × seq-len / seconds of the best run. With <c>--windows-out</c> the windows, the loss
/// sums and the timings are written as JSON, for <c>benchmarks/compare-pytorch/gpt2_torch_eval.py</c> to evaluate the
/// same token ids and compare.</remarks>
internal static class CheckpointThroughput
{
    internal static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: --quick eval DIR [--seq-len N] [--windows N] [--threads T] [--repeats R] [--seed S] [--windows-out FILE]");
            return 2;
        }
        string folder = args[0];
        int seqLen = QuickArgs.Int(args, "--seq-len", 512);
        int windowCount = QuickArgs.Int(args, "--windows", 16);
        int threads = QuickArgs.Int(args, "--threads", 0);
        int repeats = QuickArgs.Int(args, "--repeats", 3);
        int seed = QuickArgs.Int(args, "--seed", 42);
        string? windowsOut = QuickArgs.Value(args, "--windows-out");

        ComputeEnvironment.Threads = threads;
        var load = Stopwatch.StartNew();
        using IModel model = new HfCausalAdapter().Load(folder, new ModelLoadOptions { Threads = threads });
        double loadSeconds = load.Elapsed.TotalSeconds;
        int[][] windows = CutWindows(model.Tokenizer, seed, seqLen, windowCount);
        var memories = new ReadOnlyMemory<int>[windows.Length];
        for (int i = 0; i < windows.Length; i++)
        {
            memories[i] = windows[i];
        }

        model.CausalLosses([memories[0]]); // warm-up: JIT, buffers
        var seconds = new double[repeats];
        IReadOnlyList<WindowLoss> losses = [];
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            losses = model.CausalLosses(memories);
            seconds[r] = clock.Elapsed.TotalSeconds;
        }
        double best = seconds.Min();
        double tokensPerSecond = (double)windowCount * seqLen / best;
        Console.WriteLine($"compute: {ComputeEnvironment.Describe()}; model threads {threads}; load {loadSeconds:F1} s");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"invarlock eval: {windowCount} windows x {seqLen} tokens, threads {threads}: best {best:F3} s of [{string.Join(", ", seconds.Select(s => s.ToString("F3", CultureInfo.InvariantCulture)))}], {tokensPerSecond:F1} tokens/s"));
        Console.WriteLine("loss sums: " + string.Join(" ", losses.Select(l => l.LossSum.ToString("R", CultureInfo.InvariantCulture))));
        if (windowsOut is not null)
        {
            WriteWindows(windowsOut, folder, seqLen, threads, windows, losses, seconds, tokensPerSecond);
        }
        return 0;
    }

    /// <summary>Consecutive non-overlapping windows of <paramref name="seqLen"/> tokens from the start of the text.</summary>
    internal static int[][] CutWindows(ITokenizer tokenizer, int seed, int seqLen, int count)
    {
        long needed = (long)seqLen * count;
        int characters = (int)Math.Min(int.MaxValue / 2, needed * 6);
        while (true)
        {
            int[] ids = tokenizer.Encode(SyntheticCorpus.Generate(seed, characters));
            if (ids.Length >= needed)
            {
                var windows = new int[count][];
                for (int w = 0; w < count; w++)
                {
                    windows[w] = ids.AsSpan(w * seqLen, seqLen).ToArray();
                }
                return windows;
            }
            characters *= 2;
        }
    }

    private static void WriteWindows(string path, string folder, int seqLen, int threads, int[][] windows,
        IReadOnlyList<WindowLoss> losses, double[] seconds, double tokensPerSecond)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
        json.WriteStartObject();
        json.WriteString("model", Path.GetFullPath(folder));
        json.WriteNumber("seq_len", seqLen);
        json.WriteNumber("threads", threads);
        json.WriteStartArray("windows");
        foreach (int[] window in windows)
        {
            json.WriteStartArray();
            foreach (int id in window)
            {
                json.WriteNumberValue(id);
            }
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteStartObject("invarlock");
        json.WriteStartArray("loss_sums");
        foreach (WindowLoss loss in losses)
        {
            json.WriteNumberValue(loss.LossSum);
        }
        json.WriteEndArray();
        json.WriteStartArray("seconds");
        foreach (double s in seconds)
        {
            json.WriteNumberValue(s);
        }
        json.WriteEndArray();
        json.WriteNumber("tokens_per_second", tokensPerSecond);
        json.WriteString("compute", ComputeEnvironment.Describe().ToString());
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
