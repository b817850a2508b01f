using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Decoder;

/// <summary>Gemma (1): RMSNorm scaled by <c>1 + w</c>, embeddings × √hidden (as float32), GeGLU with the tanh GELU,
/// explicit head_dim, tied head by default.</summary>
internal sealed class GemmaFamily : IDecoderFamily
{
    public string ModelType => "gemma";

    public DecoderConfig ReadConfig(HfConfig config)
    {
        // Hugging Face's Gemma reads hidden_activation first and falls back to hidden_act.
        string key = config.Has("hidden_activation") ? "hidden_activation" : "hidden_act";
        DecoderConfig c = RotaryDecoderConfigReader.Read(config, "gelu_pytorch_tanh", key);
        return c with
        {
            NormUnitOffset = true,
            EmbeddingScale = (float)Math.Sqrt(c.Hidden), // the double square root cast to float32, as Hugging Face does
            TiedHead = config.OptionalBool("tie_word_embeddings") ?? true,
        };
    }

    public string? CanonicalName(string storedName, DecoderConfig config) => RotaryCheckpointNames.Canonical(storedName, config);
}
