namespace InvarLock.Cli.Sandbox;

/// <summary>The values of <c>evaluate --execution-mode</c> (docs/security/sandbox.md).</summary>
internal static class ExecutionModes
{
    /// <summary>Model and data files are parsed and computed on in a bubblewrap worker.</summary>
    public const string Sandbox = "sandbox";

    /// <summary>Everything runs in the tool's own process.</summary>
    public const string Host = "host";

    /// <summary>Sets the default of <c>--execution-mode</c> (<c>sandbox</c> or <c>host</c>).</summary>
    public const string DefaultVariable = "INVARLOCK_EXECUTION_MODE";

    /// <summary>Lets the <c>release</c> profile run in host mode.</summary>
    public const string AllowHostVariable = "INVARLOCK_ALLOW_HOST_EXECUTION";
}
