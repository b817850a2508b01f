namespace InvarLock.Cli.Tests;

/// <summary>Runs the real command line in-process with captured output.</summary>
internal static class CliRun
{
    public static (int Exit, string Out, string Error) Invoke(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        // Runs stay in this process unless a test asks for the sandbox (--execution-mode sandbox, or this variable).
        var variables = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal);
        variables.TryAdd("INVARLOCK_EXECUTION_MODE", "host");
        int exit = CliApp.Run(args, new CliConsole(stdout, stderr, Interactive: false), variables);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static (int Exit, string Out, string Error) Invoke(params string[] args) => Invoke(null, args);
}
