using System.CommandLine;
using InvarLock.Cli.Commands;
using InvarLock.Sdk.Errors;
using InvarLock.Core;

namespace InvarLock.Cli.Tests.Report;

/// <summary>Runs <c>report</c> and <c>explain</c> the way <c>CliApp.Run</c> does (parse errors exit 2, an
/// <see cref="InvarLockException"/> becomes one stderr line and its exit code) on a root that holds only these commands.</summary>
internal static class RenderCliHarness
{
    public static (int Exit, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = new CliConsole(stdout, stderr, Interactive: false);
        var root = new RootCommand("test") { ReportCommand.Create(console), ExplainCommand.Create(console) };
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                stderr.WriteLine($"error {ErrorCodes.Usage.Id}: {error.Message}");
            }

            return (ExitCodes.BadInput, stdout.ToString(), stderr.ToString());
        }

        try
        {
            int exit = parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            return (exit, stdout.ToString(), stderr.ToString());
        }
        catch (InvarLockException e)
        {
            stderr.WriteLine($"error {e.Code.Id}: {CliApp.OneLine(e.Message)}");
            return (e.Code.ExitCode, stdout.ToString(), stderr.ToString());
        }
    }
}
