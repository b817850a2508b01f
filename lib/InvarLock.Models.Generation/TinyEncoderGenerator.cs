using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using InvarLock.Data.Synthetic;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tokenizers;
using InvarLock.Numerics;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.Generation;

/// <summary>Generates a small, randomly initialised BERT or RoBERTa masked-LM checkpoint in the Hugging Face folder
/// layout: config.json, model.safetensors (the tied decoder not stored unless asked), tokenizer.json and
/// tokenizer_config.json. The same options give byte-identical files on every platform.</summary>
/// <remarks>Embeddings, projections and every bias are N(0, range) (projections × <see cref="TinyEncoderOptions.LinearScale"/>;
/// nonzero biases so every bias path is exercised), LayerNorm weights 1 + N(0, jitter), LayerNorm biases N(0, jitter/5);
/// each tensor draws from its own stream seeded by the options' seed and the tensor's name. BERT's tokenizer is WordPiece
/// (BertNormalizer lower-casing, BertPreTokenizer, BertProcessing): the special tokens, every corpus character alone and
/// as a <c>##</c> continuation, then the corpus's most frequent words. RoBERTa's is byte-level BPE trained with
/// <see cref="ByteLevelBpeTrainer"/> behind <c>&lt;s&gt; &lt;pad&gt; &lt;/s&gt; &lt;unk&gt;</c>, with <c>&lt;mask&gt;</c>
/// last and RobertaProcessing. Both are trained on <see cref="SyntheticCorpus"/> text of the same seed.</remarks>
public static class TinyEncoderGenerator
{
    /// <summary>A small preset: 2 layers, 4 heads, width 64, 128 positions, a ~512-id tokenizer.</summary>
    public static TinyEncoderOptions Demo { get; } = new();

    /// <summary>Writes the checkpoint into <paramref name="folder"/> (created when missing; the files named above are replaced).</summary>
    public static void Generate(string folder, TinyEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Directory.CreateDirectory(folder);
        string corpus = SyntheticCorpus.Generate(options.Seed, options.CorpusCharacters);
        bool bert = options.Family == TinyEncoderFamily.Bert;
        int tokenizerVocab = bert
            ? WriteWordPieceTokenizer(folder, corpus, options.TokenizerVocabSize)
            : WriteRobertaTokenizer(folder, corpus, options.TokenizerVocabSize);
        int vocab = Math.Max(tokenizerVocab, options.ConfigVocabSize ?? 0);
        WriteConfig(folder, options, vocab);
        HfJsonFile.Write(Path.Combine(folder, "tokenizer_config.json"), bert
            ? new Dictionary<string, object?>
            {
                ["cls_token"] = "[CLS]", ["do_lower_case"] = true, ["mask_token"] = "[MASK]", ["model_max_length"] = options.Positions,
                ["pad_token"] = "[PAD]", ["sep_token"] = "[SEP]", ["tokenizer_class"] = "BertTokenizer", ["unk_token"] = "[UNK]",
            }
            : new Dictionary<string, object?>
            {
                ["bos_token"] = "<s>", ["cls_token"] = "<s>", ["eos_token"] = "</s>", ["mask_token"] = "<mask>",
                ["model_max_length"] = options.Positions, ["pad_token"] = "<pad>", ["sep_token"] = "</s>",
                ["tokenizer_class"] = "RobertaTokenizer", ["unk_token"] = "<unk>",
            });
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), BuildWeights(options, vocab),
            new Dictionary<string, string> { ["format"] = "pt" }, options.DType);
    }

    private static void Validate(TinyEncoderOptions o)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(o.Layers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Hidden);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Intermediate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Positions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.TypeVocab);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.TokenizerVocabSize, 300);
        if (o.Hidden % o.Heads != 0)
        {
            throw new ArgumentException($"Hidden {o.Hidden} is not a multiple of Heads {o.Heads}", nameof(o));
        }
    }

    /// <summary>The pad id RoBERTa's config names (its position ids start after it).</summary>
    private const int RobertaPad = 1;

    private static void WriteConfig(string folder, TinyEncoderOptions o, int vocab)
    {
        bool bert = o.Family == TinyEncoderFamily.Bert;
        var config = new Dictionary<string, object?>
        {
            ["architectures"] = new[] { bert ? "BertForMaskedLM" : "RobertaForMaskedLM" },
            ["attention_probs_dropout_prob"] = 0.1,
            ["hidden_act"] = "gelu",
            ["hidden_dropout_prob"] = 0.1,
            ["hidden_size"] = o.Hidden,
            ["initializer_range"] = o.InitializerRange,
            ["intermediate_size"] = o.Intermediate,
            ["layer_norm_eps"] = bert ? 1e-12 : 1e-5,
            ["max_position_embeddings"] = bert ? o.Positions : o.Positions + RobertaPad + 1,
            ["model_type"] = bert ? "bert" : "roberta",
            ["num_attention_heads"] = o.Heads,
            ["num_hidden_layers"] = o.Layers,
            ["pad_token_id"] = bert ? 0 : RobertaPad,
            ["position_embedding_type"] = "absolute",
            ["torch_dtype"] = o.DType switch { SafetensorsDType.F16 => "float16", SafetensorsDType.BF16 => "bfloat16", _ => "float32" },
            ["transformers_version"] = TinyGpt2Generator.TransformersVersion,
            ["type_vocab_size"] = o.TypeVocab,
            ["use_cache"] = true,
            ["vocab_size"] = vocab,
        };
        if (!bert)
        {
            config["bos_token_id"] = 0;
            config["eos_token_id"] = 2;
        }
        HfJsonFile.Write(Path.Combine(folder, "config.json"), config);
    }

    /// <summary>The masked-LM parameters under their Hugging Face names.</summary>
    public static List<SafetensorsTensor> BuildWeights(TinyEncoderOptions o, int vocab)
    {
        ArgumentNullException.ThrowIfNull(o);
        bool bert = o.Family == TinyEncoderFamily.Bert;
        string p = bert ? "bert" : "roberta";
        int d = o.Hidden;
        double std = o.InitializerRange;
        double linear = std * o.LinearScale;
        int positions = bert ? o.Positions : o.Positions + RobertaPad + 1;
        var tensors = new List<SafetensorsTensor>
        {
            Normal(o.Seed, p + ".embeddings.word_embeddings.weight", [vocab, d], std),
            Normal(o.Seed, p + ".embeddings.position_embeddings.weight", [positions, d], std),
            Normal(o.Seed, p + ".embeddings.token_type_embeddings.weight", [o.TypeVocab, d], std),
        };
        AddNorm(tensors, o, p + ".embeddings.LayerNorm", d);
        for (int i = 0; i < o.Layers; i++)
        {
            string b = string.Create(CultureInfo.InvariantCulture, $"{p}.encoder.layer.{i}.");
            AddLinear(tensors, o.Seed, b + "attention.self.query", d, d, linear, std);
            AddLinear(tensors, o.Seed, b + "attention.self.key", d, d, linear, std);
            AddLinear(tensors, o.Seed, b + "attention.self.value", d, d, linear, std);
            AddLinear(tensors, o.Seed, b + "attention.output.dense", d, d, linear, std);
            AddNorm(tensors, o, b + "attention.output.LayerNorm", d);
            AddLinear(tensors, o.Seed, b + "intermediate.dense", d, o.Intermediate, linear, std);
            AddLinear(tensors, o.Seed, b + "output.dense", o.Intermediate, d, linear, std);
            AddNorm(tensors, o, b + "output.LayerNorm", d);
        }
        string head = bert ? "cls.predictions." : "lm_head.";
        AddLinear(tensors, o.Seed, head + (bert ? "transform.dense" : "dense"), d, d, linear, std);
        AddNorm(tensors, o, head + (bert ? "transform.LayerNorm" : "layer_norm"), d);
        SafetensorsTensor bias = Normal(o.Seed, head + "bias", [vocab], std);
        tensors.Add(bias);
        if (o.StoreTiedDecoder)
        {
            tensors.Add(new SafetensorsTensor(head + "decoder.weight", [vocab, d], tensors[0].Data));
            tensors.Add(new SafetensorsTensor(head + "decoder.bias", [vocab], bias.Data));
        }
        return tensors;
    }

    private static void AddLinear(List<SafetensorsTensor> tensors, int seed, string module, int inputs, int outputs, double std, double biasStd)
    {
        tensors.Add(Normal(seed, module + ".weight", [outputs, inputs], std));
        tensors.Add(Normal(seed, module + ".bias", [outputs], biasStd));
    }

    private static void AddNorm(List<SafetensorsTensor> tensors, TinyEncoderOptions o, string module, int width)
    {
        tensors.Add(Shifted(o.Seed, module + ".weight", width, 1.0, o.NormJitter));
        tensors.Add(Shifted(o.Seed, module + ".bias", width, 0.0, o.NormJitter / 5));
    }

    private static SafetensorsTensor Normal(int seed, string name, int[] shape, double std)
    {
        long count = 1;
        foreach (int s in shape)
        {
            count *= s;
        }
        float[] data = new float[count];
        var normal = new DeterministicNormal(TinyGpt2Generator.StreamSeed(seed, name));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(normal.Next() * std);
        }
        return new SafetensorsTensor(name, shape, data);
    }

    private static SafetensorsTensor Shifted(int seed, string name, int length, double center, double std)
    {
        float[] data = new float[length];
        var normal = new DeterministicNormal(TinyGpt2Generator.StreamSeed(seed, name));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(center + (std == 0 ? 0 : normal.Next() * std));
        }
        return new SafetensorsTensor(name, [length], data);
    }

    /// <summary>Writes BERT's WordPiece tokenizer.json; returns its vocabulary size.</summary>
    private static int WriteWordPieceTokenizer(string folder, string corpus, int target)
    {
        string[] specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
        var vocab = new List<string>(specials);
        var seen = new HashSet<string>(specials, StringComparer.Ordinal);
        string lower = corpus.ToLowerInvariant();
        var chars = new SortedSet<char>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int start = -1;
        for (int i = 0; i <= lower.Length; i++)
        {
            bool letter = i < lower.Length && char.IsLetterOrDigit(lower[i]);
            if (i < lower.Length && !char.IsWhiteSpace(lower[i]))
            {
                chars.Add(lower[i]);
            }
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                string word = lower[start..i];
                counts[word] = counts.GetValueOrDefault(word) + 1;
                start = -1;
            }
        }
        foreach (char c in chars)
        {
            if (seen.Add(c.ToString()))
            {
                vocab.Add(c.ToString());
            }
        }
        foreach (char c in chars)
        {
            if (char.IsLetterOrDigit(c) && seen.Add("##" + c))
            {
                vocab.Add("##" + c);
            }
        }
        var words = new List<KeyValuePair<string, int>>(counts);
        words.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        foreach (var (word, _) in words)
        {
            if (vocab.Count >= target)
            {
                break;
            }
            if (word.Length > 1 && seen.Add(word))
            {
                vocab.Add(word);
            }
        }
        WriteJson(Path.Combine(folder, "tokenizer.json"), w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            for (int id = 0; id < specials.Length; id++)
            {
                AddedToken(w, id, specials[id], lstrip: false);
            }
            w.WriteEndArray();
            w.WriteStartObject("normalizer");
            w.WriteString("type", "BertNormalizer");
            w.WriteBoolean("clean_text", true);
            w.WriteBoolean("handle_chinese_chars", true);
            w.WriteNull("strip_accents");
            w.WriteBoolean("lowercase", true);
            w.WriteEndObject();
            w.WriteStartObject("pre_tokenizer");
            w.WriteString("type", "BertPreTokenizer");
            w.WriteEndObject();
            w.WriteStartObject("post_processor");
            w.WriteString("type", "BertProcessing");
            TokenPair(w, "sep", "[SEP]", 3);
            TokenPair(w, "cls", "[CLS]", 2);
            w.WriteEndObject();
            w.WriteStartObject("decoder");
            w.WriteString("type", "WordPiece");
            w.WriteString("prefix", "##");
            w.WriteBoolean("cleanup", true);
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "WordPiece");
            w.WriteString("unk_token", "[UNK]");
            w.WriteString("continuing_subword_prefix", "##");
            w.WriteNumber("max_input_chars_per_word", 100);
            WriteVocab(w, vocab);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return vocab.Count;
    }

    /// <summary>Writes RoBERTa's byte-level BPE tokenizer.json; returns its vocabulary size.</summary>
    private static int WriteRobertaTokenizer(string folder, string corpus, int target)
    {
        string[] front = ["<s>", "<pad>", "</s>", "<unk>"];
        ByteLevelBpeModel bpe = ByteLevelBpeTrainer.Train(corpus, target - front.Length - 1);
        var vocab = new List<string>(front);
        foreach (string token in bpe.Vocab)
        {
            if (token != Gpt2BpeTokenizer.EndOfTextToken)
            {
                vocab.Add(token);
            }
        }
        int mask = vocab.Count;
        vocab.Add("<mask>");
        WriteJson(Path.Combine(folder, "tokenizer.json"), w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "1.0");
            w.WriteNull("truncation");
            w.WriteNull("padding");
            w.WriteStartArray("added_tokens");
            for (int id = 0; id < front.Length; id++)
            {
                AddedToken(w, id, front[id], lstrip: false);
            }
            AddedToken(w, mask, "<mask>", lstrip: true);
            w.WriteEndArray();
            w.WriteNull("normalizer");
            w.WriteStartObject("pre_tokenizer");
            w.WriteString("type", "ByteLevel");
            w.WriteBoolean("add_prefix_space", false);
            w.WriteBoolean("trim_offsets", true);
            w.WriteBoolean("use_regex", true);
            w.WriteEndObject();
            w.WriteStartObject("post_processor");
            w.WriteString("type", "RobertaProcessing");
            TokenPair(w, "sep", "</s>", 2);
            TokenPair(w, "cls", "<s>", 0);
            w.WriteBoolean("trim_offsets", true);
            w.WriteBoolean("add_prefix_space", false);
            w.WriteEndObject();
            w.WriteStartObject("decoder");
            w.WriteString("type", "ByteLevel");
            w.WriteBoolean("add_prefix_space", true);
            w.WriteBoolean("trim_offsets", true);
            w.WriteBoolean("use_regex", true);
            w.WriteEndObject();
            w.WriteStartObject("model");
            w.WriteString("type", "BPE");
            w.WriteNull("dropout");
            w.WriteNull("unk_token");
            w.WriteString("continuing_subword_prefix", "");
            w.WriteString("end_of_word_suffix", "");
            w.WriteBoolean("fuse_unk", false);
            w.WriteBoolean("byte_fallback", false);
            WriteVocab(w, vocab);
            w.WriteStartArray("merges");
            foreach (BpeMerge merge in bpe.Merges)
            {
                w.WriteStringValue(merge.Left + " " + merge.Right);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
        return vocab.Count;
    }

    private static void AddedToken(Utf8JsonWriter w, int id, string content, bool lstrip)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        w.WriteString("content", content);
        w.WriteBoolean("single_word", false);
        w.WriteBoolean("lstrip", lstrip);
        w.WriteBoolean("rstrip", false);
        w.WriteBoolean("normalized", false);
        w.WriteBoolean("special", true);
        w.WriteEndObject();
    }

    private static void TokenPair(Utf8JsonWriter w, string name, string token, int id)
    {
        w.WriteStartArray(name);
        w.WriteStringValue(token);
        w.WriteNumberValue(id);
        w.WriteEndArray();
    }

    private static void WriteVocab(Utf8JsonWriter w, List<string> vocab)
    {
        w.WriteStartObject("vocab");
        for (int id = 0; id < vocab.Count; id++)
        {
            w.WriteNumber(vocab[id], id);
        }
        w.WriteEndObject();
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> write)
    {
        var buffer = new MemoryStream();
        var options = new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            write(json);
        }
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }
}
