using System.Globalization;
using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Encoder;

/// <summary>Reads the config.json keys BERT and RoBERTa share, refusing the variants the encoder does not implement
/// (each refusal names the key).</summary>
internal static class EncoderConfigReader
{
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MalformedConfig"/> for a missing or impossible size;
    /// <see cref="ErrorCodes.UnsupportedModel"/> for an activation, position embedding type or decoder setting the
    /// encoder does not implement.</exception>
    internal static EncoderConfig Read(HfConfig c, EncoderNameTable names, int positionOffset)
    {
        int layers = c.RequiredInt("num_hidden_layers");
        int hidden = c.RequiredInt("hidden_size");
        int heads = c.RequiredInt("num_attention_heads");
        int intermediate = c.RequiredInt("intermediate_size");
        int vocab = c.RequiredInt("vocab_size");
        int positions = c.RequiredInt("max_position_embeddings");
        int types = c.OptionalInt("type_vocab_size") ?? 2;
        foreach ((string key, int value) in new[] { ("num_hidden_layers", layers), ("hidden_size", hidden), ("num_attention_heads", heads),
            ("intermediate_size", intermediate), ("vocab_size", vocab), ("max_position_embeddings", positions), ("type_vocab_size", types) })
        {
            c.RequirePositive(key, value);
        }
        if (hidden % heads != 0)
        {
            throw HfConfig.Malformed(c.Path, string.Create(CultureInfo.InvariantCulture,
                $"hidden_size {hidden} is not a multiple of num_attention_heads {heads}"));
        }
        const long Limit = int.MaxValue / 4;
        if ((long)vocab * hidden > Limit || (long)positions * hidden > Limit || (long)intermediate * hidden > Limit)
        {
            throw HfConfig.Malformed(c.Path, string.Create(CultureInfo.InvariantCulture,
                $"dimensions out of range (hidden_size {hidden}, intermediate_size {intermediate}, vocab_size {vocab}, max_position_embeddings {positions})"));
        }
        if (positions <= positionOffset)
        {
            throw HfConfig.Malformed(c.Path, string.Create(CultureInfo.InvariantCulture,
                $"max_position_embeddings {positions} leaves no position after the offset {positionOffset} (pad_token_id + 1)"));
        }
        string activation = c.OptionalString("hidden_act") ?? "gelu";
        if (activation != "gelu")
        {
            throw Unsupported(c, "hidden_act", activation, "gelu");
        }
        string positionType = c.OptionalString("position_embedding_type") ?? "absolute";
        if (positionType != "absolute")
        {
            throw Unsupported(c, "position_embedding_type", positionType, "absolute");
        }
        if (c.OptionalBool("is_decoder") == true)
        {
            throw Unsupported(c, "is_decoder", "true", "false");
        }
        if (c.OptionalBool("tie_word_embeddings") == false)
        {
            throw Unsupported(c, "tie_word_embeddings", "false", "true (the decoder tied to the word embeddings)");
        }
        return new EncoderConfig
        {
            ModelType = c.ModelType,
            Layers = layers,
            Hidden = hidden,
            Heads = heads,
            Intermediate = intermediate,
            Vocab = vocab,
            MaxPositions = positions,
            TypeVocab = types,
            PositionOffset = positionOffset,
            NormEpsilon = c.OptionalDouble("layer_norm_eps") ?? 1e-12,
            Names = names,
        };
    }

    private static InvarLockException Unsupported(HfConfig c, string key, string value, string supported) =>
        new(ErrorCodes.UnsupportedModel, $"{c.Path}: {key} '{value}' is not supported for {c.ModelType} (supported: {supported})");
}
