using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Cli.Commands;
using InvarLock.Sdk.Errors;
using Microsoft.Extensions.DependencyInjection;
using InvarLock.Core;

namespace InvarLock.Cli;

/// <summary>Builds the command tree and runs it, mapping errors to one line on stderr and a documented exit code.</summary>
internal static class CliApp
{
    /// <summary>Runs the command line <paramref name="args"/>. <paramref name="environment"/> replaces the process
    /// environment for the flags commands read (tests inject their own); <paramref name="cancellation"/> carries
    /// SIGINT/SIGTERM into the run (none: the run cannot be interrupted).</summary>
    public static int Run(string[] args, CliConsole console, IReadOnlyDictionary<string, string?>? environment = null,
        CliCancellation? cancellation = null)
    {
        // Under --json the command's own output becomes the envelope's result; errors become its errors.
        bool asJson = Array.IndexOf(args, "--json") >= 0;
        var captured = new StringWriter();
        CliConsole commandConsole = asJson ? console with { Out = captured } : console;
        var jsonErrors = new CliJsonErrors();
        using var ownCancellation = cancellation is null ? new CliCancellation() : null;
        CliCancellation activeCancellation = cancellation ?? ownCancellation!;
        var collection = new ServiceCollection().AddInvarLock().AddSingleton(commandConsole).AddSingleton(jsonErrors)
            .AddSingleton(activeCancellation);
        if (environment is not null)
        {
            collection.AddSingleton(new CliEnvironment(environment));
        }
        ServiceProvider services = collection.BuildServiceProvider();
        RootCommand root = BuildRoot(services, commandConsole);
        ParseResult parse = root.Parse(args);
        string commandName = CommandName(parse);
        int Finish(int exit)
        {
            if (asJson)
            {
                console.Out.WriteLine(CliJsonEnvelope.ToLine(CliJsonEnvelope.Create(commandName, exit, ParseResult(captured.ToString()), jsonErrors.Items)));
            }
            return exit;
        }
        int Fail(string code, string message, int exit)
        {
            console.Error.WriteLine($"error {code}: {message}");
            jsonErrors.Items.Add(CliJsonError.FromMessage(code, message));
            return Finish(exit);
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.Error.WriteLine($"error {ErrorCodes.Usage.Id}: {error.Message}");
                jsonErrors.Items.Add(new CliJsonError(ErrorCodes.Usage.Id, OneLine(error.Message), null));
            }
            console.Error.WriteLine("Run 'invarlock --help' for usage.");
            return Finish(ExitCodes.BadInput);
        }
        try
        {
            int exit = parse.Invoke(new InvocationConfiguration { Output = commandConsole.Out, Error = console.Error, EnableDefaultExceptionHandler = false });
            return Finish(exit);
        }
        catch (OperationCanceledException) when (activeCancellation.Signal is { } signal)
        {
            ErrorCode code = signal == PosixSignal.SIGTERM ? ErrorCodes.Terminated : ErrorCodes.Interrupted;
            return Fail(code.Id, $"stopped by {signal}; the run was discarded and wrote no report", code.ExitCode);
        }
        catch (InvarLockException ex)
        {
            return Fail(ex.Code.Id, OneLine(ex.Message), ex.Code.ExitCode);
        }
        catch (OperationCanceledException)
        {
            return Fail(ErrorCodes.Aborted.Id, "cancelled", ExitCodes.Aborted);
        }
        catch (Exception ex)
        {
            console.Error.WriteLine($"error: internal error ({ex.GetType().Name}): {OneLine(ex.Message)}. Please report this.");
            jsonErrors.Items.Add(new CliJsonError("internal", $"internal error ({ex.GetType().Name}): {OneLine(ex.Message)}", null));
            return Finish(ExitCodes.InternalError);
        }
        finally
        {
            services.Dispose();
        }
    }

    /// <summary>The command path without the root (<c>evaluate</c>, <c>plugins trust list</c>); empty for the root.</summary>
    private static string CommandName(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? r = parse.CommandResult; r is CommandResult c && c.Parent is not null; r = c.Parent)
        {
            names.Insert(0, c.Command.Name);
        }
        return string.Join(' ', names);
    }

    /// <summary>The command's captured <c>--json</c> output as a JSON value (null when it printed nothing).</summary>
    private static JsonNode? ParseResult(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text.TrimEnd());
        }
    }

    public static RootCommand BuildRoot(IServiceProvider services, CliConsole console)
    {
        var root = new RootCommand("InvarLock: did this weight edit silently degrade the model? Evaluates an edited subject " +
            "checkpoint against its baseline on paired windows, runs the guard chain and writes a verifiable report.")
        {
            EvaluateCommand.Create(services, console),
            VerifyCommand.Create(services, console),
            ReportCommand.Create(console),
            BundleCommand.Create(services, console),
            ExplainCommand.Create(console),
            TokenizeCommand.Create(console),
            VersionCommand.Create(console),
            PluginsCommand.Create(services, console),
            DoctorCommand.Create(services, console),
        };
        return root;
    }

    internal static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
