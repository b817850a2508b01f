using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Decoder;

/// <summary>Phi-3: fused <c>qkv_proj</c> (rows q, k, v) and <c>gate_up_proj</c> (rows gate, up), optional
/// <c>partial_rotary_factor</c>. Long-context <c>longrope</c> scaling is refused.</summary>
internal sealed class Phi3Family : IDecoderFamily
{
    public string ModelType => "phi3";

    public DecoderConfig ReadConfig(HfConfig config) =>
        RotaryDecoderConfigReader.Read(config, "silu") with { FusedQkv = true, FusedGateUp = true };

    public string? CanonicalName(string storedName, DecoderConfig config) => RotaryCheckpointNames.Canonical(storedName, config);
}
