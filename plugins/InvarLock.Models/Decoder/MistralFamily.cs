using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Decoder;

/// <summary>Mistral: LLaMA's layout with a sliding attention window (<c>sliding_window</c>; null for none).</summary>
internal sealed class MistralFamily : IDecoderFamily
{
    public string ModelType => "mistral";

    public DecoderConfig ReadConfig(HfConfig config)
    {
        int window = config.OptionalInt("sliding_window") ?? 0;
        if (config.Has("sliding_window"))
        {
            config.RequirePositive("sliding_window", window);
        }
        return RotaryDecoderConfigReader.Read(config, "silu") with { SlidingWindow = window };
    }

    public string? CanonicalName(string storedName, DecoderConfig config) => RotaryCheckpointNames.Canonical(storedName, config);
}
