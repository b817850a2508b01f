using System.CommandLine;
using System.Text.Json;
using InvarLock.Sdk;
using InvarLock.Core;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock version [--json]</c>.</summary>
internal static class VersionCommand
{
    public static Command Create(CliConsole console)
    {
        Option<bool> json = new("--json") { Description = "Print one JSON object" };
        var command = new Command("version", "Print the tool, SDK and runtime versions") { json };
        command.SetAction(parse =>
        {
            if (parse.GetValue(json))
            {
                console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["format"] = "version-v1",
                    ["invarlock"] = ToolInfo.Version,
                    ["sdk"] = SdkInfo.Version.ToString(),
                    ["runtime"] = ToolInfo.Runtime,
                    ["compute"] = Compute.ComputeEnvironment.Describe().ToString(),
                }));
            }
            else
            {
                console.Out.WriteLine($"invarlock {ToolInfo.Version} (sdk {SdkInfo.Version}; {ToolInfo.Runtime}; compute {Compute.ComputeEnvironment.Describe()})");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
