using System.CommandLine;
using InvarLock.Cli.Commands;
using InvarLock.Sdk.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace InvarLock.Cli;

/// <summary>Builds the command tree and runs it, mapping errors to one line on stderr and a documented exit code.</summary>
internal static class CliApp
{
    /// <summary>Runs the command line <paramref name="args"/>. <paramref name="environment"/> replaces the process
    /// environment for the flags commands read (tests inject their own).</summary>
    public static int Run(string[] args, CliConsole console, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var collection = new ServiceCollection().AddInvarLock().AddSingleton(console);
        if (environment is not null)
        {
            collection.AddSingleton(new CliEnvironment(environment));
        }
        ServiceProvider services = collection.BuildServiceProvider();
        RootCommand root = BuildRoot(services, console);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.Error.WriteLine($"error {ErrorCodes.Usage.Id}: {error.Message}");
            }
            console.Error.WriteLine("Run 'invarlock --help' for usage.");
            return ExitCodes.BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error, EnableDefaultExceptionHandler = false });
        }
        catch (InvarLockException ex)
        {
            console.Error.WriteLine($"error {ex.Code.Id}: {OneLine(ex.Message)}");
            return ex.Code.ExitCode;
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine("error: cancelled");
            return ExitCodes.Aborted;
        }
        catch (Exception ex)
        {
            console.Error.WriteLine($"error: internal error ({ex.GetType().Name}): {OneLine(ex.Message)}. Please report this.");
            return ExitCodes.InternalError;
        }
        finally
        {
            services.Dispose();
        }
    }

    public static RootCommand BuildRoot(IServiceProvider services, CliConsole console)
    {
        var root = new RootCommand("InvarLock: did this weight edit silently degrade the model? Evaluates an edited subject " +
            "checkpoint against its baseline on paired windows, runs the guard chain and writes a verifiable report.")
        {
            EvaluateCommand.Create(services, console),
            VerifyCommand.Create(console),
            ReportCommand.Create(console),
            ExplainCommand.Create(console),
            VersionCommand.Create(console),
            PluginsCommand.Create(services, console),
            DoctorCommand.Create(services, console),
        };
        return root;
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
