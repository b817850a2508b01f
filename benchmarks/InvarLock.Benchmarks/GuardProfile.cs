using InvarLock.Metrics;
using System.Diagnostics;
using System.Text.Json;
using InvarLock.Compute;
using InvarLock.Core.Plugins;
using InvarLock.Guards;
using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Benchmarks;

/// <summary><c>--quick guard-profile DIR [--seq-len N] [--windows N] [--threads T] [--repeats R]</c>: what each
/// first-party guard costs, through its public contract only (the registry's guards with their balanced defaults). Times,
/// on the same windows (best of R): a plain <see cref="IModel.Evaluate"/>, then each guard's Prepare on the model and its
/// Validate on the same model, reported in seconds and in plain forward passes.</summary>
internal static class GuardProfile
{
    private static readonly string[] Guards = ["invariants", "spectral", "rmt", "variance"];

    internal static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: --quick guard-profile DIR [--seq-len N] [--windows N] [--threads T] [--repeats R]");
            return 2;
        }
        int seqLen = QuickArgs.Int(args, "--seq-len", 256);
        int windowCount = QuickArgs.Int(args, "--windows", 8);
        int threads = QuickArgs.Int(args, "--threads", 0);
        int repeats = QuickArgs.Int(args, "--repeats", 3);
        ComputeEnvironment.Threads = threads;
        using IModel model = new HfCausalAdapter().Load(args[0], new ModelLoadOptions { Threads = threads });
        int[][] cut = CheckpointThroughput.CutWindows(model.Tokenizer, 42, seqLen, windowCount);
        var windows = new ReadOnlyMemory<int>[cut.Length];
        for (int i = 0; i < cut.Length; i++)
        {
            windows[i] = cut[i];
        }
        var registry = new PluginRegistry();
        registry.Register(new GuardsPluginModule(), PluginSource.FirstParty);
        JsonElement defaults = JsonDocument.Parse("{}").RootElement.Clone();
        var run = new GuardRunInfo("balanced", "dev", "noop", 42);
        Console.WriteLine($"compute: {ComputeEnvironment.Describe()}; {windowCount} windows x {seqLen} tokens");
        model.CausalLosses([windows[0]]); // warm-up
        double plain = double.MaxValue;
        var prepare = new double[Guards.Length];
        var validate = new double[Guards.Length];
        Array.Fill(prepare, double.MaxValue);
        Array.Fill(validate, double.MaxValue);
        // Interleaved, so that a change in machine load hits every measurement alike; best of R each.
        for (int r = 0; r < repeats; r++)
        {
            plain = Math.Min(plain, Time(() => model.CausalLosses(windows)));
            for (int g = 0; g < Guards.Length; g++)
            {
                IGuard guard = registry.CreateGuard(Guards[g]);
                var context = new GuardContext(model, defaults, windows, run);
                prepare[g] = Math.Min(prepare[g], Time(() => guard.Prepare(context)));
                validate[g] = Math.Min(validate[g], Time(() => guard.Validate(context)));
            }
        }
        Console.WriteLine($"plain forward: {plain:F3} s ({plain / windowCount * 1e3:F0} ms per window)");
        for (int g = 0; g < Guards.Length; g++)
        {
            Console.WriteLine($"{Guards[g],-10} prepare {prepare[g]:F3} s ({prepare[g] / plain:F2} forward passes), "
                + $"validate {validate[g]:F3} s ({validate[g] / plain:F2} forward passes)");
        }
        return 0;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
