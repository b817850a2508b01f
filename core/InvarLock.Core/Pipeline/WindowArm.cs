namespace InvarLock.Core.Pipeline;

/// <summary>The two arms of a window plan.</summary>
public enum WindowArm
{
    /// <summary>Preview windows: calibration for guards and the drift check.</summary>
    Preview,
    /// <summary>Final windows: the primary metric's ratio and CI.</summary>
    Final,
}
