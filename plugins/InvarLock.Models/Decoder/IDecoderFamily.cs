using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Decoder;

/// <summary>One decoder family: how its Hugging Face config.json maps to a <see cref="DecoderConfig"/> and how its
/// checkpoints name tensors. Adding a family is one implementation of this, one line in <see cref="DecoderFamilies"/>,
/// and a parity fixture.</summary>
internal interface IDecoderFamily
{
    /// <summary>config.json's model_type.</summary>
    string ModelType { get; }

    /// <summary>The architecture config.json describes.</summary>
    /// <exception cref="Sdk.Errors.InvarLockException">MalformedConfig for missing or invalid fields; UnsupportedModel
    /// for a variant the forward pass does not implement.</exception>
    DecoderConfig ReadConfig(HfConfig config);

    /// <summary>The name a stored tensor is kept under, or null when it is not a parameter (buffers, a tied head).</summary>
    string? CanonicalName(string storedName, DecoderConfig config);
}
