using InvarLock.Cli;

using CliCancellation cancellation = CliCancellation.ForProcess();
return CliApp.Run(args, CliConsole.System(), cancellation: cancellation);
