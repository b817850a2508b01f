using System.Globalization;
using System.Text.Json;
using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Decoder;

/// <summary>Reads the config.json keys the RMSNorm + RoPE families share (LLaMA's: hidden_size, num_hidden_layers,
/// num_attention_heads, num_key_value_heads, head_dim, intermediate_size, rms_norm_eps, rope_theta, rope_scaling,
/// partial_rotary_factor, hidden_act, tie_word_embeddings). Each family then sets what differs.</summary>
internal static class RotaryDecoderConfigReader
{
    private static readonly string[] RopeTypes = ["default", "linear", "dynamic", "llama3"];

    /// <summary>The shared part of the config; <paramref name="defaultActivation"/> applies when hidden_act is absent.</summary>
    internal static DecoderConfig Read(HfConfig hf, string defaultActivation, string activationKey = "hidden_act")
    {
        int hidden = Positive(hf, "hidden_size");
        int layers = Positive(hf, "num_hidden_layers");
        int heads = Positive(hf, "num_attention_heads");
        int kvHeads = hf.OptionalInt("num_key_value_heads") ?? heads;
        hf.RequirePositive("num_key_value_heads", kvHeads);
        if (heads % kvHeads != 0)
        {
            throw Malformed(hf, $"num_key_value_heads {kvHeads} does not divide num_attention_heads {heads}");
        }
        int headDim;
        if (hf.OptionalInt("head_dim") is { } explicitHeadDim)
        {
            hf.RequirePositive("head_dim", explicitHeadDim);
            headDim = explicitHeadDim;
        }
        else if (hidden % heads != 0)
        {
            throw Malformed(hf, $"hidden_size {hidden} is not a multiple of num_attention_heads {heads}, and head_dim is absent");
        }
        else
        {
            headDim = hidden / heads;
        }
        int intermediate = Positive(hf, "intermediate_size");
        int vocab = Positive(hf, "vocab_size");
        int maxPositions = hf.OptionalInt("max_position_embeddings") ?? 2048;
        hf.RequirePositive("max_position_embeddings", maxPositions);
        double epsilon = hf.OptionalDouble("rms_norm_eps") ?? 1e-6;
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw Malformed(hf, string.Create(CultureInfo.InvariantCulture, $"rms_norm_eps {epsilon} is not a positive number"));
        }
        string activationName = hf.OptionalString(activationKey) ?? defaultActivation;
        MlpActivation activation = activationName switch
        {
            "silu" or "swish" => MlpActivation.Silu,
            "gelu_pytorch_tanh" or "gelu_new" => MlpActivation.GeluTanh,
            _ => throw new InvarLockException(ErrorCodes.UnsupportedModel,
                $"{hf.Path}: {activationKey} '{activationName}' is not supported for a gated MLP (supported: silu, gelu_pytorch_tanh)"),
        };
        return new DecoderConfig
        {
            ModelType = hf.ModelType,
            Layers = layers,
            Hidden = hidden,
            Heads = heads,
            KeyValueHeads = kvHeads,
            HeadDim = headDim,
            Intermediate = intermediate,
            Vocab = vocab,
            MaxPositions = maxPositions,
            Norm = NormKind.RmsNorm,
            NormEpsilon = epsilon,
            Position = PositionKind.Rotary,
            Rotary = ReadRotary(hf, headDim),
            GatedMlp = true,
            Activation = activation,
            TiedHead = hf.OptionalBool("tie_word_embeddings") ?? false,
            Names = DecoderNameTable.Llama,
        };
    }

    /// <summary>rope_theta, partial_rotary_factor and rope_scaling; yarn, longrope and other types are refused.</summary>
    private static RotarySettings ReadRotary(HfConfig hf, int headDim)
    {
        double factor = hf.OptionalDouble("partial_rotary_factor") ?? 1.0;
        int dimension = (int)(headDim * factor);
        if (!(factor > 0 && factor <= 1) || dimension < 2 || dimension % 2 != 0)
        {
            throw Malformed(hf, string.Create(CultureInfo.InvariantCulture,
                $"partial_rotary_factor {factor} does not give an even rotary width of head_dim {headDim}"));
        }
        double theta = hf.OptionalDouble("rope_theta") ?? 10000.0;
        if (!(theta > 0) || double.IsInfinity(theta))
        {
            throw Malformed(hf, string.Create(CultureInfo.InvariantCulture, $"rope_theta {theta} is not a positive number"));
        }
        if (hf.OptionalObject("rope_scaling") is not { } scaling)
        {
            return new RotarySettings(dimension, theta, RopeType.Default);
        }
        string type = String(scaling, "rope_type") ?? String(scaling, "type")
            ?? throw Malformed(hf, "rope_scaling has no rope_type");
        if (Array.IndexOf(RopeTypes, type) < 0)
        {
            throw new InvarLockException(ErrorCodes.UnsupportedModel,
                $"{hf.Path}: rope_scaling type '{type}' is not supported (supported: {string.Join(", ", RopeTypes)})");
        }
        if (type == "default")
        {
            return new RotarySettings(dimension, theta, RopeType.Default);
        }
        double scale = Number(hf, scaling, "factor");
        if (!(scale >= 1) || double.IsInfinity(scale))
        {
            throw Malformed(hf, string.Create(CultureInfo.InvariantCulture, $"rope_scaling.factor {scale} must be at least 1"));
        }
        if (type == "linear")
        {
            return new RotarySettings(dimension, theta, RopeType.Linear, scale);
        }
        if (type == "dynamic")
        {
            if (dimension <= 2)
            {
                throw Malformed(hf, "dynamic rope_scaling needs a rotary width above 2");
            }
            return new RotarySettings(dimension, theta, RopeType.Dynamic, scale);
        }
        double low = Number(hf, scaling, "low_freq_factor");
        double high = Number(hf, scaling, "high_freq_factor");
        double original = Number(hf, scaling, "original_max_position_embeddings");
        if (!(low > 0) || !(high > low) || !(original >= 1) || original > int.MaxValue || original != Math.Floor(original))
        {
            throw Malformed(hf, string.Create(CultureInfo.InvariantCulture,
                $"rope_scaling llama3 needs 0 < low_freq_factor ({low}) < high_freq_factor ({high}) and a positive integer original_max_position_embeddings ({original})"));
        }
        return new RotarySettings(dimension, theta, RopeType.Llama3, scale, low, high, (int)original);
    }

    /// <summary>Refuses a true boolean key the family does not implement.</summary>
    internal static void RefuseTrue(HfConfig hf, string key)
    {
        if (hf.OptionalBool(key) == true)
        {
            throw new InvarLockException(ErrorCodes.UnsupportedModel, $"{hf.Path}: {key}=true is not supported for {hf.ModelType}");
        }
    }

    private static int Positive(HfConfig hf, string key)
    {
        int value = hf.RequiredInt(key);
        hf.RequirePositive(key, value);
        return value;
    }

    private static string? String(JsonElement obj, string key) =>
        obj.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double Number(HfConfig hf, JsonElement obj, string key)
    {
        if (!obj.TryGetProperty(key, out JsonElement v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d))
        {
            throw Malformed(hf, $"rope_scaling needs a number '{key}'");
        }
        return d;
    }

    private static InvarLockException Malformed(HfConfig hf, string problem) => new(ErrorCodes.MalformedConfig, $"{hf.Path}: {problem}");
}
