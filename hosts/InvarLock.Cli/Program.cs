using InvarLock.Cli;

return CliApp.Run(args, CliConsole.System());
