using BenchmarkDotNet.Running;
using InvarLock.Benchmarks;

if (args.Length > 0 && args[0] == "--quick")
{
    return QuickMeasurement.Run(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(QuickMeasurement).Assembly).Run(args);
return 0;
