namespace InvarLock.Cli;

/// <summary>Where a command writes: stdout, stderr, and whether stdout is an interactive terminal (progress bars).</summary>
internal sealed record CliConsole(TextWriter Out, TextWriter Error, bool Interactive)
{
    public static CliConsole System() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb");
}
