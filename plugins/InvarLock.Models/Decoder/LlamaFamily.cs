using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Decoder;

/// <summary>LLaMA (Llama 2, Llama 3/3.1/3.2, TinyLlama, SmolLM): RMSNorm, RoPE with default/linear/dynamic/llama3
/// scaling, GQA/MQA, SwiGLU; <c>attention_bias</c> puts biases on q, k, v and o.</summary>
internal sealed class LlamaFamily : IDecoderFamily
{
    public string ModelType => "llama";

    public DecoderConfig ReadConfig(HfConfig config)
    {
        RotaryDecoderConfigReader.RefuseTrue(config, "mlp_bias");
        bool bias = config.OptionalBool("attention_bias") ?? false;
        return RotaryDecoderConfigReader.Read(config, "silu") with { QkvBias = bias, AttentionOutputBias = bias };
    }

    public string? CanonicalName(string storedName, DecoderConfig config) => RotaryCheckpointNames.Canonical(storedName, config);
}
