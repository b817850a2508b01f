using System.Diagnostics;
using InvarLock.Fuzz;
using InvarLock.Sdk.Errors;
using SharpFuzz;

// Usage (docs/security/fuzzing.md):
//   InvarLock.Fuzz <target>                          AFL++ persistent mode: reads inputs from afl-fuzz
//   InvarLock.Fuzz replay <target> <file|folder>...  runs each input in-process (crash = unexpected exception, hang = over 10 s)
//   InvarLock.Fuzz seed <corpus-root>                writes the seed corpora, one folder per target
//   InvarLock.Fuzz list                              prints the target names
// INVARLOCK_FUZZ_VERBOSE=1 prints each documented rejection (error code and message) during replay.
const int ExitFinding = 1;
const int ExitUsage = 2;
TimeSpan hangLimit = TimeSpan.FromSeconds(10);

if (args.Length == 1 && args[0] == "list")
{
    foreach ((string name, _) in FuzzTargets.All)
    {
        Console.WriteLine(name);
    }
    return 0;
}
if (args.Length == 2 && args[0] == "seed")
{
    foreach ((_, Func<IFuzzTarget> create) in FuzzTargets.All)
    {
        IFuzzTarget t = create();
        string folder = Path.Combine(args[1], t.Name);
        Directory.CreateDirectory(folder);
        t.WriteSeeds(folder);
        Console.WriteLine($"seed {t.Name}: {Directory.GetFiles(folder).Length} files in {folder}");
    }
    return 0;
}
if (args.Length >= 3 && args[0] == "replay")
{
    return FuzzTargets.Find(args[1]) is { } replayTarget ? Replay(replayTarget(), args[2..]) : UnknownTarget(args[1]);
}
if (args.Length == 1 && FuzzTargets.Find(args[0]) is { } createTarget)
{
    IFuzzTarget? fuzzTarget = null;
    Fuzzer.Run(stream =>
    {
        fuzzTarget ??= createTarget();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        RunExpectingRejection(fuzzTarget, buffer.ToArray());
    });
    return 0;
}
Console.Error.WriteLine("usage: InvarLock.Fuzz <target> | replay <target> <file|folder>... | seed <corpus-root> | list");
return ExitUsage;

int UnknownTarget(string name)
{
    Console.Error.WriteLine($"unknown fuzz target '{name}'; targets: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return ExitUsage;
}

int Replay(IFuzzTarget target, string[] paths)
{
    var files = new List<string>();
    foreach (string path in paths)
    {
        if (Directory.Exists(path))
        {
            files.AddRange(Directory.GetFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal));
        }
        else if (File.Exists(path))
        {
            files.Add(path);
        }
        else
        {
            Console.Error.WriteLine($"{path}: no such input file or folder");
            return ExitUsage;
        }
    }
    var clock = Stopwatch.StartNew();
    int rejected = 0;
    foreach (string file in files)
    {
        byte[] input = File.ReadAllBytes(file);
        Exception? finding = null;
        bool wasRejected = false;
        var worker = new Thread(() =>
        {
            try
            {
                wasRejected = !RunExpectingRejection(target, input);
            }
            catch (Exception e)
            {
                finding = e;
            }
        }, maxStackSize: 16 << 20);
        worker.Start();
        if (!worker.Join(hangLimit))
        {
            Console.Error.WriteLine($"replay {target.Name}: HANG {file}: still running after {hangLimit.TotalSeconds:F0} s");
            Environment.Exit(ExitFinding);
        }
        if (finding is not null)
        {
            Console.Error.WriteLine($"replay {target.Name}: CRASH {file}: {finding.GetType().FullName}: {finding.Message}");
            Console.Error.WriteLine(finding.StackTrace);
            return ExitFinding;
        }
        rejected += wasRejected ? 1 : 0;
    }
    long peakMiB = Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
    Console.WriteLine($"replay {target.Name}: {files.Count} inputs ({rejected} rejected with a documented error), 0 findings, " +
        $"{clock.Elapsed.TotalSeconds:F1} s, peak RSS {peakMiB} MiB");
    return 0;
}

// True when the input was accepted, false when it was rejected with the documented error type; anything else escapes.
static bool RunExpectingRejection(IFuzzTarget target, byte[] input)
{
    try
    {
        target.Run(input);
        return true;
    }
    catch (InvarLockException e)
    {
        if (Environment.GetEnvironmentVariable("INVARLOCK_FUZZ_VERBOSE") == "1")
        {
            Console.Error.WriteLine($"rejected: {e.Code.Id}: {e.Message}");
        }
        return false;
    }
}
