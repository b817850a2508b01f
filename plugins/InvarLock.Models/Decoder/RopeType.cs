namespace InvarLock.Models.Decoder;

/// <summary>The <c>rope_scaling</c> rule that sets the rotary inverse frequencies.</summary>
internal enum RopeType
{
    /// <summary>No scaling.</summary>
    Default,

    /// <summary>Positions divided by a factor.</summary>
    Linear,

    /// <summary>NTK-aware base change for sequences longer than the trained context.</summary>
    Dynamic,

    /// <summary>Llama 3.1's wavelength-banded scaling.</summary>
    Llama3,
}
