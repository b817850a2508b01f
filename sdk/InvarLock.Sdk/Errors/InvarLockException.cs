namespace InvarLock.Sdk.Errors;

/// <summary>An error with a stable <see cref="ErrorCode"/>. The CLI prints its message on one line and exits with
/// <see cref="ErrorCode.ExitCode"/>.</summary>
public class InvarLockException : Exception
{
    /// <summary>Creates an error with a code and a one-line message that names the file or value at fault.</summary>
    public InvarLockException(ErrorCode code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    /// <summary>The stable error code.</summary>
    public ErrorCode Code { get; }
}
