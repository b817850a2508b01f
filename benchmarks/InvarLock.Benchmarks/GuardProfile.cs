using System.Diagnostics;
using InvarLock.Compute;
using InvarLock.Guards.Numerics;
using InvarLock.Guards.Rmt;
using InvarLock.Guards.Variance;
using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Models;

namespace InvarLock.Benchmarks;

/// <summary><c>--quick guard-profile DIR [--seq-len N] [--windows N] [--threads T] [--repeats R]</c>: splits the cost
/// of the activation-tapping guards into forward passes and guard arithmetic. Times, on the same windows (best of R):
/// a plain <see cref="IModel.Evaluate"/>; the same with the RMT guard's edge-risk tap (every tapped module, 3 power
/// iterations); and with the variance guard's mean-square tap on <c>mlp.c_proj</c>. The difference to the plain pass
/// is what the guard's own arithmetic costs; the rest of a guard's time is the forward passes its policy asks for.</summary>
internal static class GuardProfile
{
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
        var rmtModules = new SortedSet<string>(StringComparer.Ordinal);
        var msModules = new List<string>();
        foreach (ModuleInfo m in model.Modules)
        {
            if (ActivationEdgeRisk.IsTapped(m))
            {
                rmtModules.Add(m.Name);
            }
            if (m.Name.EndsWith(".mlp.c_proj", StringComparison.Ordinal))
            {
                msModules.Add(m.Name);
            }
        }
        Console.WriteLine($"compute: {ComputeEnvironment.Describe()}; {windowCount} windows x {seqLen} tokens; " +
            $"RMT taps {rmtModules.Count} modules, variance taps {msModules.Count}");
        model.Evaluate([windows[0]]); // warm-up
        // Interleaved, so that a change in machine load hits all three alike; best of R each.
        double plain = double.MaxValue, rmt = double.MaxValue, ms = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            plain = Math.Min(plain, Time(() => model.Evaluate(windows)));
            rmt = Math.Min(rmt, Time(() => model.Evaluate(windows, new EdgeRiskTap(rmtModules, 3, PowerIterationStart.Ones))));
            ms = Math.Min(ms, Time(() => model.Evaluate(windows, new MeanSquareTap(msModules, windowCount))));
        }
        Report("plain forward", plain, plain, windowCount);
        Report("forward + RMT edge-risk tap", rmt, plain, windowCount);
        Report("forward + variance mean-square tap", ms, plain, windowCount);
        return 0;
    }

    private static void Report(string what, double seconds, double plain, int windows) =>
        Console.WriteLine($"{what}: {seconds:F3} s ({seconds / windows * 1e3:F0} ms per window; tap arithmetic {(seconds - plain) / windows * 1e3:F0} ms per window, {100 * (seconds - plain) / plain:F1} % of the forward)");

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
