namespace InvarLock.Sdk.Errors;

/// <summary>The registry of error codes; each has a row in <c>docs/errors.md</c>.</summary>
public static class ErrorCodes
{
    /// <summary>Bad command-line usage or option value.</summary>
    public static readonly ErrorCode Usage = new("IL1001", 2);
    /// <summary>A policy, preset or tier value is invalid.</summary>
    public static readonly ErrorCode InvalidPolicy = new("IL1002", 2);
    /// <summary>A file or folder that is required does not exist.</summary>
    public static readonly ErrorCode MissingFile = new("IL2001", 2);
    /// <summary>A safetensors file is malformed (header, dtype, shape or offsets).</summary>
    public static readonly ErrorCode MalformedSafetensors = new("IL2002", 2);
    /// <summary>A config.json is malformed or describes an unsupported model.</summary>
    public static readonly ErrorCode MalformedConfig = new("IL2003", 2);
    /// <summary>A tokenizer file is missing or malformed.</summary>
    public static readonly ErrorCode MalformedTokenizer = new("IL2004", 2);
    /// <summary>A dataset is missing, malformed or too short for the window plan.</summary>
    public static readonly ErrorCode DatasetError = new("IL2005", 2);
    /// <summary>Weights and config disagree (missing tensor, wrong shape).</summary>
    public static readonly ErrorCode ShapeMismatch = new("IL2006", 2);
    /// <summary>No adapter recognises the model folder, or the folder asks for remote code.</summary>
    public static readonly ErrorCode UnsupportedModel = new("IL2007", 2);
    /// <summary>An unknown plugin name (adapter, guard, edit, dataset, metric).</summary>
    public static readonly ErrorCode UnknownPlugin = new("IL2008", 2);
    /// <summary>The baseline model's loss is not finite (NaN or infinite) on a window: its weights are broken, so nothing
    /// can be compared against it.</summary>
    public static readonly ErrorCode BrokenBaseline = new("IL2009", 2);
    /// <summary>A report is malformed, fails its schema, or was tampered with.</summary>
    public static readonly ErrorCode MalformedReport = new("IL3001", 2);
    /// <summary>Baseline and subject windows or tokenizers do not pair.</summary>
    public static readonly ErrorCode PairingMismatch = new("IL3002", 2);
    /// <summary>A plugin package or installed plugin was refused.</summary>
    public static readonly ErrorCode PluginRefused = new("IL4001", 2);
    /// <summary>The output location is unusable (a file, a symlink, not writable).</summary>
    public static readonly ErrorCode OutputError = new("IL5001", 2);
    /// <summary>A guard asked to abort the run.</summary>
    public static readonly ErrorCode Aborted = new("IL6001", 3);
    /// <summary>The run was stopped by SIGINT (Ctrl+C); nothing was written.</summary>
    public static readonly ErrorCode Interrupted = new("IL6002", 130);
    /// <summary>The run was stopped by SIGTERM; nothing was written.</summary>
    public static readonly ErrorCode Terminated = new("IL6003", 143);
    /// <summary>A network or remote-code action was refused by the security posture.</summary>
    public static readonly ErrorCode SecurityRefused = new("IL7001", 2);
}
