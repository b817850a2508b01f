using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Decoder;

/// <summary>Qwen3: LLaMA's layout with per-head RMSNorm of q and k before the rotation and an explicit head_dim.</summary>
internal sealed class Qwen3Family : IDecoderFamily
{
    public string ModelType => "qwen3";

    public DecoderConfig ReadConfig(HfConfig config)
    {
        RotaryDecoderConfigReader.RefuseTrue(config, "use_sliding_window");
        RotaryDecoderConfigReader.RefuseTrue(config, "attention_bias");
        return RotaryDecoderConfigReader.Read(config, "silu") with { QueryKeyNorm = true };
    }

    public string? CanonicalName(string storedName, DecoderConfig config) => RotaryCheckpointNames.Canonical(storedName, config);
}
