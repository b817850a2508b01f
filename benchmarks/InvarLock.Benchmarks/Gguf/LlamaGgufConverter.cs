using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InvarLock.Compute;
using InvarLock.Models.Safetensors;
using InvarLock.Sdk.Errors;

namespace InvarLock.Benchmarks.Gguf;

/// <summary><c>--quick make-gguf HF_DIR OUT.gguf [--type F32|F16]</c>: converts a Hugging Face LLaMA folder
/// (config.json, tokenizer.json, safetensors shards) into a llama.cpp GGUF v3 file, as llama.cpp's
/// <c>convert_hf_to_gguf.py</c> does for <c>LlamaForCausalLM</c>, for the side-by-side benchmark in
/// <c>benchmarks/compare/</c>.</summary>
/// <remarks>
/// <para>Metadata: <c>general.architecture = llama</c>, the <c>llama.*</c> hyper-parameters, and the byte-level BPE
/// tokenizer as <c>tokenizer.ggml.model = gpt2</c> (tokens, token types, merges, BOS/EOS). Ids past the tokenizer's
/// vocabulary (a padded <c>vocab_size</c>) become <c>[PADn]</c> tokens of type UNUSED, as the converter pads.</para>
/// <para>Tensors: HF names mapped to llama.cpp's (<c>token_embd</c>, <c>blk.N.attn_q</c>, …, <c>output</c>); 1-D
/// tensors (the norms) stay F32 with <c>--type F16</c>, as in the converter. The rows of q_proj and k_proj are
/// permuted from Hugging Face's half-split rotary layout (dimension i pairs with i + head_dim/2) to GGML's
/// interleaved one (2i pairs with 2i + 1): see <see cref="PermuteRotaryRows"/>.</para>
/// </remarks>
internal static class LlamaGgufConverter
{
    /// <summary>GGUF token types (<c>llama_token_type</c>).</summary>
    private const int TokenNormal = 1, TokenControl = 3, TokenUnused = 5;

    internal static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: --quick make-gguf HF_DIR OUT.gguf [--type F32|F16]");
            return 2;
        }
        string typeName = QuickArgs.Value(args, "--type") ?? "F32";
        GgufTensorType type;
        switch (typeName.ToUpperInvariant())
        {
            case "F32": type = GgufTensorType.F32; break;
            case "F16": type = GgufTensorType.F16; break;
            default:
                Console.Error.WriteLine($"--type {typeName}: choose F32 or F16");
                return 2;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            Convert(args[0], args[1], type);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JsonException or KeyNotFoundException
            or UnauthorizedAccessException or InvarLockException)
        {
            Console.Error.WriteLine($"make-gguf: {e.Message}");
            return 2;
        }
        Console.WriteLine($"{args[1]}: GGUF {type}, {new FileInfo(args[1]).Length / 1e9:F2} GB in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    internal static void Convert(string folder, string output, GgufTensorType type)
    {
        string configPath = Path.Combine(folder, "config.json");
        using JsonDocument configDoc = ReadJson(configPath);
        JsonElement config = configDoc.RootElement;
        if (Text(config, "model_type") != "llama")
        {
            throw new InvalidDataException($"{configPath}: model_type must be llama");
        }
        if (config.TryGetProperty("rope_scaling", out JsonElement scaling) && scaling.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidDataException($"{configPath}: rope_scaling is not supported by this converter");
        }
        if (config.TryGetProperty("attention_bias", out JsonElement bias) && bias.ValueKind == JsonValueKind.True)
        {
            throw new InvalidDataException($"{configPath}: attention_bias is not supported by this converter");
        }
        int hidden = Int(config, "hidden_size", configPath);
        int layers = Int(config, "num_hidden_layers", configPath);
        int heads = Int(config, "num_attention_heads", configPath);
        int kvHeads = config.TryGetProperty("num_key_value_heads", out _) ? Int(config, "num_key_value_heads", configPath) : heads;
        int vocab = Int(config, "vocab_size", configPath);
        int headDim = hidden / heads;
        bool tied = config.TryGetProperty("tie_word_embeddings", out JsonElement tie) && tie.ValueKind == JsonValueKind.True;

        var gguf = new GgufWriter();
        gguf.Add("general.architecture", "llama");
        gguf.Add("general.name", Path.GetFileName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar)));
        gguf.Add("general.file_type", type == GgufTensorType.F32 ? 0u : 1u); // LLAMA_FTYPE_ALL_F32 / MOSTLY_F16
        gguf.Add("llama.context_length", (uint)Int(config, "max_position_embeddings", configPath));
        gguf.Add("llama.embedding_length", (uint)hidden);
        gguf.Add("llama.block_count", (uint)layers);
        gguf.Add("llama.feed_forward_length", (uint)Int(config, "intermediate_size", configPath));
        gguf.Add("llama.attention.head_count", (uint)heads);
        gguf.Add("llama.attention.head_count_kv", (uint)kvHeads);
        gguf.Add("llama.rope.dimension_count", (uint)headDim);
        gguf.Add("llama.rope.freq_base", (float)Number(config, "rope_theta", 10000.0));
        gguf.Add("llama.attention.layer_norm_rms_epsilon", (float)Number(config, "rms_norm_eps", 1e-6));
        gguf.Add("llama.vocab_size", (uint)vocab);
        AddTokenizer(gguf, Path.Combine(folder, "tokenizer.json"), vocab, config);

        var files = new List<SafetensorsFile>();
        try
        {
            var byName = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
            foreach (string path in Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal))
            {
                SafetensorsFile file = SafetensorsFile.Open(path);
                files.Add(file);
                foreach (SafetensorsEntry entry in file.Entries)
                {
                    byName[entry.Name] = file;
                }
            }
            if (files.Count == 0)
            {
                throw new InvalidDataException($"{folder}: no .safetensors files");
            }
            void Tensor(string hfName, string ggufName, int permuteHeads = 0)
            {
                if (!byName.TryGetValue(hfName, out SafetensorsFile? file) || !file.TryGetEntry(hfName, out SafetensorsEntry entry))
                {
                    throw new InvalidDataException($"{folder}: the weights have no tensor '{hfName}'");
                }
                GgufTensorType stored = entry.Shape.Count == 1 ? GgufTensorType.F32 : type;
                gguf.AddTensor(ggufName, entry.Shape, stored, stream =>
                {
                    float[] values = file.ReadFloat32(hfName);
                    if (permuteHeads > 0)
                    {
                        values = PermuteRotaryRows(values, permuteHeads, (int)entry.Shape[0] / permuteHeads, (int)entry.Shape[1]);
                    }
                    if (stored == GgufTensorType.F32)
                    {
                        GgufWriter.WriteFloat32(stream, values);
                    }
                    else
                    {
                        var half = new ushort[values.Length];
                        HalfConversions.Narrow(values, HalfFormat.Float16, half);
                        GgufWriter.WriteUInt16(stream, half);
                    }
                });
            }
            Tensor("model.embed_tokens.weight", "token_embd.weight");
            for (int i = 0; i < layers; i++)
            {
                string p = string.Create(CultureInfo.InvariantCulture, $"model.layers.{i}.");
                string b = string.Create(CultureInfo.InvariantCulture, $"blk.{i}.");
                Tensor(p + "input_layernorm.weight", b + "attn_norm.weight");
                Tensor(p + "self_attn.q_proj.weight", b + "attn_q.weight", heads);
                Tensor(p + "self_attn.k_proj.weight", b + "attn_k.weight", kvHeads);
                Tensor(p + "self_attn.v_proj.weight", b + "attn_v.weight");
                Tensor(p + "self_attn.o_proj.weight", b + "attn_output.weight");
                Tensor(p + "post_attention_layernorm.weight", b + "ffn_norm.weight");
                Tensor(p + "mlp.gate_proj.weight", b + "ffn_gate.weight");
                Tensor(p + "mlp.up_proj.weight", b + "ffn_up.weight");
                Tensor(p + "mlp.down_proj.weight", b + "ffn_down.weight");
            }
            Tensor("model.norm.weight", "output_norm.weight");
            if (!tied)
            {
                Tensor("lm_head.weight", "output.weight");
            }
            gguf.Write(output);
        }
        finally
        {
            foreach (SafetensorsFile file in files)
            {
                file.Dispose();
            }
        }
    }

    /// <summary>Reorders the rows of a q_proj or k_proj weight ([heads × headDim, columns], row-major) from Hugging
    /// Face's half-split rotary layout to GGML's interleaved one: within each head, new row 2i + j is old row
    /// j × headDim/2 + i (j ∈ {0, 1}). This is <c>LlamaModel.permute</c> of <c>convert_hf_to_gguf.py</c>
    /// (<c>reshape(heads, 2, headDim/2, columns).swapaxes(1, 2)</c>).</summary>
    internal static float[] PermuteRotaryRows(ReadOnlySpan<float> weight, int heads, int headDim, int columns)
    {
        if (headDim % 2 != 0 || weight.Length != (long)heads * headDim * columns)
        {
            throw new ArgumentException($"a [{heads} x {headDim}, {columns}] weight with an even head_dim was expected ({weight.Length} values)");
        }
        var result = new float[weight.Length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < half; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    int to = h * headDim + 2 * i + j;
                    int from = h * headDim + j * half + i;
                    weight.Slice(from * columns, columns).CopyTo(result.AsSpan(to * columns, columns));
                }
            }
        }
        return result;
    }

    /// <summary>The byte-level BPE tokenizer of tokenizer.json as llama.cpp's "gpt2" tokenizer metadata.</summary>
    private static void AddTokenizer(GgufWriter gguf, string path, int vocab, JsonElement config)
    {
        using JsonDocument doc = ReadJson(path);
        JsonElement root = doc.RootElement;
        if (!root.TryGetProperty("model", out JsonElement model) || Text(model, "type") != "BPE")
        {
            throw new InvalidDataException($"{path}: model.type must be BPE");
        }
        var tokens = new string?[vocab];
        var types = new int[vocab];
        foreach (JsonProperty entry in model.GetProperty("vocab").EnumerateObject())
        {
            int id = entry.Value.GetInt32();
            if (id < 0 || id >= vocab)
            {
                throw new InvalidDataException($"{path}: token id {id} is outside the vocabulary [0, {vocab})");
            }
            tokens[id] = entry.Name;
            types[id] = TokenNormal;
        }
        if (root.TryGetProperty("added_tokens", out JsonElement added) && added.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement token in added.EnumerateArray())
            {
                int id = token.GetProperty("id").GetInt32();
                if (id < 0 || id >= vocab)
                {
                    throw new InvalidDataException($"{path}: added token id {id} is outside the vocabulary [0, {vocab})");
                }
                tokens[id] = token.GetProperty("content").GetString();
                types[id] = token.TryGetProperty("special", out JsonElement special) && special.ValueKind == JsonValueKind.True
                    ? TokenControl : TokenNormal;
            }
        }
        var names = new string[vocab];
        for (int id = 0; id < vocab; id++)
        {
            names[id] = tokens[id] ?? string.Create(CultureInfo.InvariantCulture, $"[PAD{id}]");
            if (tokens[id] is null)
            {
                types[id] = TokenUnused;
            }
        }
        var merges = new List<string>();
        foreach (JsonElement merge in model.GetProperty("merges").EnumerateArray())
        {
            merges.Add(merge.ValueKind == JsonValueKind.Array
                ? merge[0].GetString() + " " + merge[1].GetString()
                : merge.GetString() ?? throw new InvalidDataException($"{path}: a merge is null"));
        }
        gguf.Add("tokenizer.ggml.model", "gpt2");
        gguf.Add("tokenizer.ggml.pre", "gpt-2");
        gguf.Add("tokenizer.ggml.tokens", names);
        gguf.Add("tokenizer.ggml.token_type", types);
        gguf.Add("tokenizer.ggml.merges", merges);
        if (config.TryGetProperty("bos_token_id", out JsonElement bos) && bos.ValueKind == JsonValueKind.Number)
        {
            gguf.Add("tokenizer.ggml.bos_token_id", bos.GetUInt32());
        }
        if (config.TryGetProperty("eos_token_id", out JsonElement eos) && eos.ValueKind == JsonValueKind.Number)
        {
            gguf.Add("tokenizer.ggml.eos_token_id", eos.GetUInt32());
        }
        gguf.Add("tokenizer.ggml.add_bos_token", false);
    }

    private static JsonDocument ReadJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: file not found");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})");
        }
    }

    private static string? Text(JsonElement e, string key) =>
        e.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string key, string path) =>
        e.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) && n > 0
            ? n : throw new InvalidDataException($"{path}: '{key}' must be a positive integer");

    private static double Number(JsonElement e, string key, double fallback) =>
        e.TryGetProperty(key, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
}
