namespace InvarLock.Sdk.Guards;

/// <summary>What a guard asks the runner to do; the worst action in the chain wins (None &lt; Warn &lt; Rollback &lt; Abort).</summary>
public enum GuardAction
{
    /// <summary>Nothing to do.</summary>
    None = 0,
    /// <summary>Record a warning; the run may still pass.</summary>
    Warn = 1,
    /// <summary>Restore the subject's weights and fail the run.</summary>
    Rollback = 2,
    /// <summary>Stop the run (exit code 3).</summary>
    Abort = 3,
}
