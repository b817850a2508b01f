namespace InvarLock.Models.Decoder;

/// <summary>How positions enter a decoder.</summary>
internal enum PositionKind
{
    /// <summary>A learned absolute position table added to the token embeddings (GPT-2).</summary>
    Learned,

    /// <summary>Rotary position embeddings applied to queries and keys (RoPE).</summary>
    Rotary,
}
