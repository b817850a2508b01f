namespace InvarLock.Cli.Tests;

/// <summary>Runs the real command line in-process with captured output.</summary>
internal static class CliRun
{
    public static (int Exit, string Out, string Error) Invoke(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApp.Run(args, new CliConsole(stdout, stderr, Interactive: false),
            environment ?? new Dictionary<string, string?>());
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static (int Exit, string Out, string Error) Invoke(params string[] args) => Invoke(null, args);
}
