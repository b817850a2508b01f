namespace InvarLock.Models.Decoder;

/// <summary>Tensor-name normalisation shared by the LLaMA-layout families.</summary>
internal static class RotaryCheckpointNames
{
    /// <summary>Drops the rotary <c>inv_freq</c> buffers old checkpoints carry; every other name is kept as stored
    /// (a tied head that is still stored is checked against the embedding when the model is built).</summary>
    internal static string? Canonical(string storedName, DecoderConfig config) =>
        storedName.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal) ? null : storedName;
}
