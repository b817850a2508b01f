using System.Reflection;
using System.Runtime.InteropServices;

namespace InvarLock.Cli;

/// <summary>Version and runtime facts printed by <c>invarlock version</c> and recorded in reports.</summary>
internal static class ToolInfo
{
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string Runtime => $".NET {Environment.Version} ({RuntimeInformation.OSDescription.Trim()}, {RuntimeInformation.ProcessArchitecture})";
}
