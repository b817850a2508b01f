using InvarLock.Models.Gpt2;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.HuggingFace;

/// <summary>A parsed Hugging Face <c>config.json</c>: the model type and the fields the adapters read.</summary>
public sealed class HfConfig
{
    /// <summary>The config's file name.</summary>
    public const string FileName = "config.json";

    /// <summary>The largest config.json (and other folder config file) accepted.</summary>
    internal const long MaxConfigBytes = 16L * 1024 * 1024;

    private readonly JsonElement _root;

    private HfConfig(string path, JsonElement root, string modelType, IReadOnlyList<string> architectures, string? remoteCodeReason)
    {
        Path = path;
        _root = root;
        ModelType = modelType;
        Architectures = architectures;
        RemoteCodeReason = remoteCodeReason;
    }

    /// <summary>The path of the config file.</summary>
    public string Path { get; }

    /// <summary>The <c>model_type</c> value (for example <c>gpt2</c>).</summary>
    public string ModelType { get; }

    /// <summary>The <c>architectures</c> list (empty when absent).</summary>
    public IReadOnlyList<string> Architectures { get; }

    /// <summary>Why the config asks for custom code (<c>"auto_map"</c> or <c>"trust_remote_code: true"</c>), or null.</summary>
    public string? RemoteCodeReason { get; }

    /// <summary>Reads <c>config.json</c> from <paramref name="folder"/>.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when it does not exist;
    /// <see cref="ErrorCodes.MalformedConfig"/> when it is not a JSON object with a string <c>model_type</c>.</exception>
    public static HfConfig Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{folder}: model folder not found");
        }
        string path = System.IO.Path.Combine(folder, FileName);
        byte[] bytes = InputFile.ReadAllBytes(path, MaxConfigBytes, ErrorCodes.MalformedConfig, "config file");
        return Parse(path, bytes);
    }

    internal static HfConfig Parse(string path, byte[] bytes)
    {
        if (!Utf8.IsValid(bytes))
        {
            // JsonDocument accepts invalid UTF-8 inside strings and only fails when a string is read.
            throw Malformed(path, "not valid UTF-8");
        }
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            int newline = e.Message.IndexOfAny(['\r', '\n']);
            throw Malformed(path, $"not valid JSON ({(newline < 0 ? e.Message : e.Message[..newline])})");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(path, "not a JSON object");
        }
        if (!root.TryGetProperty("model_type", out JsonElement type) || type.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(type.GetString()))
        {
            throw Malformed(path, "has no model_type string");
        }
        var architectures = new List<string>();
        if (root.TryGetProperty("architectures", out JsonElement archs) && archs.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement a in archs.EnumerateArray())
            {
                if (a.ValueKind == JsonValueKind.String)
                {
                    architectures.Add(a.GetString()!);
                }
            }
        }
        string? remote = RemoteCodePolicy.FindMarker(root);
        return new HfConfig(path, root, type.GetString()!, architectures, remote);
    }

    /// <summary>Refuses a config that asks for custom code unless <paramref name="allowRemoteCodeConfig"/>.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.SecurityRefused"/>.</exception>
    public void EnsureNoRemoteCode(bool allowRemoteCodeConfig)
    {
        if (RemoteCodeReason is not null && !allowRemoteCodeConfig)
        {
            throw new InvarLockException(ErrorCodes.SecurityRefused, RemoteCodePolicy.RefusalMessage(Path, RemoteCodeReason));
        }
    }

    /// <summary>The GPT-2 architecture described by this config.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.UnsupportedModel"/> for another model type or a
    /// GPT-2 variant the forward pass does not implement; <see cref="ErrorCodes.MalformedConfig"/> for missing or invalid fields.</exception>
    public Gpt2Config ToGpt2Config()
    {
        if (ModelType != "gpt2")
        {
            throw new InvarLockException(ErrorCodes.UnsupportedModel,
                $"{Path}: model_type '{ModelType}' is not supported (supported: gpt2)");
        }
        int layers = RequiredInt("n_layer");
        int heads = RequiredInt("n_head");
        int embd = RequiredInt("n_embd");
        int positions = OptionalInt("n_positions") ?? OptionalInt("n_ctx")
            ?? throw Malformed(Path, "has neither n_positions nor n_ctx");
        int vocab = RequiredInt("vocab_size");
        int? inner = OptionalInt("n_inner");
        double epsilon = OptionalDouble("layer_norm_epsilon") ?? 1e-5;
        string activation = OptionalString("activation_function") ?? "gelu_new";
        bool tied = OptionalBool("tie_word_embeddings") ?? true;

        RequirePositive("n_layer", layers);
        RequirePositive("n_head", heads);
        RequirePositive("n_embd", embd);
        RequirePositive("n_positions", positions);
        RequirePositive("vocab_size", vocab);
        if (inner is { } n)
        {
            RequirePositive("n_inner", n);
        }
        if (embd % heads != 0)
        {
            throw Malformed(Path, $"n_embd {embd} is not a multiple of n_head {heads}");
        }
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw Malformed(Path, string.Create(CultureInfo.InvariantCulture, $"layer_norm_epsilon {epsilon} is not a positive number"));
        }
        RequireDefault("scale_attn_weights", true);
        RequireDefault("scale_attn_by_inverse_layer_idx", false);
        RequireDefault("add_cross_attention", false);
        return new Gpt2Config(layers, heads, embd, positions, vocab, epsilon, activation, tied, inner);
    }

    /// <summary>The JSON object at <paramref name="name"/>, or null when absent or null.</summary>
    internal JsonElement? OptionalObject(string name)
    {
        if (!_root.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            throw Malformed(Path, $"{name} is '{v.GetRawText()}', not an object");
        }
        return v;
    }

    /// <summary>True when <paramref name="name"/> is present and not null.</summary>
    internal bool Has(string name) => _root.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null;

    internal int RequiredInt(string name) => OptionalInt(name) ?? throw Malformed(Path, $"has no {name}");

    internal int? OptionalInt(string name)
    {
        if (!_root.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int n))
        {
            throw Malformed(Path, $"{name} is '{v.GetRawText()}', not an integer");
        }
        return n;
    }

    internal double? OptionalDouble(string name)
    {
        if (!_root.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d))
        {
            throw Malformed(Path, $"{name} is '{v.GetRawText()}', not a number");
        }
        return d;
    }

    internal string? OptionalString(string name)
    {
        if (!_root.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            throw Malformed(Path, $"{name} is '{v.GetRawText()}', not a string");
        }
        return v.GetString();
    }

    internal bool? OptionalBool(string name)
    {
        if (!_root.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Malformed(Path, $"{name} is '{v.GetRawText()}', not true or false"),
        };
    }

    internal void RequirePositive(string name, int value)
    {
        if (value <= 0)
        {
            throw Malformed(Path, $"{name} is {value}; it must be positive");
        }
    }

    private void RequireDefault(string name, bool supported)
    {
        bool? value = OptionalBool(name);
        if (value is { } v && v != supported)
        {
            throw new InvarLockException(ErrorCodes.UnsupportedModel,
                $"{Path}: {name}={(v ? "true" : "false")} is not supported by the GPT-2 forward pass");
        }
    }

    internal static InvarLockException Malformed(string path, string problem) =>
        new(ErrorCodes.MalformedConfig, $"{path}: {problem}");
}
