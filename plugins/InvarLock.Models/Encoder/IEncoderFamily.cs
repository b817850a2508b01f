using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Encoder;

/// <summary>One masked-LM encoder family: how its config.json reads into an <see cref="EncoderConfig"/>.</summary>
internal interface IEncoderFamily
{
    /// <summary>config.json <c>model_type</c>.</summary>
    string ModelType { get; }

    /// <summary>The architecture of <paramref name="config"/>.</summary>
    EncoderConfig ReadConfig(HfConfig config);
}
