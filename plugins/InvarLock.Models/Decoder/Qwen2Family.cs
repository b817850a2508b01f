using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Decoder;

/// <summary>Qwen2: LLaMA's layout with biases on q, k and v (none on o).</summary>
internal sealed class Qwen2Family : IDecoderFamily
{
    public string ModelType => "qwen2";

    public DecoderConfig ReadConfig(HfConfig config)
    {
        RotaryDecoderConfigReader.RefuseTrue(config, "use_sliding_window");
        return RotaryDecoderConfigReader.Read(config, "silu") with { QkvBias = true };
    }

    public string? CanonicalName(string storedName, DecoderConfig config) => RotaryCheckpointNames.Canonical(storedName, config);
}
