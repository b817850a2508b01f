using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tokenizers;

/// <summary>A trained GPT-2 style byte-level BPE tokenizer (from <see cref="ByteLevelBpeTrainer"/>): the vocabulary
/// by id and the merges in rank order, writable as Hugging Face <c>tokenizer.json</c> or GPT-2's
/// <c>vocab.json</c> + <c>merges.txt</c>. All three files load back to the same ids and digest.</summary>
public sealed class ByteLevelBpeModel
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Creates a model from tokens indexed by id and merges in rank order. Use
    /// <see cref="ByteLevelBpeTrainer.Train"/> to make one.</summary>
    public ByteLevelBpeModel(IReadOnlyList<string> vocab, IReadOnlyList<BpeMerge> merges)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentNullException.ThrowIfNull(merges);
        Vocab = [.. vocab];
        Merges = [.. merges];
        int eos = -1;
        for (int id = 0; id < Vocab.Count; id++)
        {
            if (Vocab[id] == Gpt2BpeTokenizer.EndOfTextToken)
            {
                eos = id;
            }
        }
        EosTokenId = eos;
    }

    /// <summary>Token strings (byte-level characters) indexed by id.</summary>
    public IReadOnlyList<string> Vocab { get; }

    /// <summary>Merges in rank order.</summary>
    public IReadOnlyList<BpeMerge> Merges { get; }

    /// <summary>Number of ids, end-of-text included.</summary>
    public int VocabSize => Vocab.Count;

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c>, or -1 when the vocabulary has none.</summary>
    public int EosTokenId { get; }

    /// <summary>Builds the tokenizer this model defines.</summary>
    public Gpt2BpeTokenizer CreateTokenizer()
    {
        var vocab = new Dictionary<string, int>(Vocab.Count, StringComparer.Ordinal);
        for (int id = 0; id < Vocab.Count; id++)
        {
            vocab.Add(Vocab[id], id);
        }
        var added = EosTokenId >= 0 ? new HashSet<int> { EosTokenId } : [];
        return new Gpt2BpeTokenizer(new BpeDefinition(vocab, [.. Merges], added, ignoreMerges: false), "trained byte-level BPE");
    }

    /// <summary>Writes a Hugging Face <c>tokenizer.json</c> equivalent to GPT-2's: ByteLevel pre-tokenizer,
    /// post-processor and decoder, a BPE model with this vocabulary and merges, and <c>&lt;|endoftext|&gt;</c> as a
    /// special added token.</summary>
    public void WriteTokenizerJson(string path)
    {
        WriteJson(path, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("version", "1.0");
            writer.WriteNull("truncation");
            writer.WriteNull("padding");
            writer.WriteStartArray("added_tokens");
            if (EosTokenId >= 0)
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", EosTokenId);
                writer.WriteString("content", Gpt2BpeTokenizer.EndOfTextToken);
                writer.WriteBoolean("single_word", false);
                writer.WriteBoolean("lstrip", false);
                writer.WriteBoolean("rstrip", false);
                writer.WriteBoolean("normalized", true);
                writer.WriteBoolean("special", true);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteNull("normalizer");
            WriteByteLevel(writer, "pre_tokenizer", addPrefixSpace: false, trimOffsets: true);
            WriteByteLevel(writer, "post_processor", addPrefixSpace: true, trimOffsets: false);
            WriteByteLevel(writer, "decoder", addPrefixSpace: true, trimOffsets: true);
            writer.WriteStartObject("model");
            writer.WriteString("type", "BPE");
            writer.WriteNull("dropout");
            writer.WriteNull("unk_token");
            writer.WriteString("continuing_subword_prefix", "");
            writer.WriteString("end_of_word_suffix", "");
            writer.WriteBoolean("fuse_unk", false);
            writer.WriteBoolean("byte_fallback", false);
            writer.WritePropertyName("vocab");
            WriteVocabObject(writer);
            writer.WriteStartArray("merges");
            foreach (var merge in Merges)
            {
                writer.WriteStringValue($"{merge.Left} {merge.Right}");
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>Writes GPT-2's <c>vocab.json</c>: a JSON object from token to id, in id order.</summary>
    public void WriteVocabJson(string path) => WriteJson(path, WriteVocabObject);

    /// <summary>Writes GPT-2's <c>merges.txt</c>: a <c>#version: 0.2</c> line, then one <c>left right</c> line per
    /// merge in rank order.</summary>
    public void WriteMergesTxt(string path)
    {
        var text = new StringBuilder("#version: 0.2\n");
        foreach (var merge in Merges)
        {
            text.Append(merge.Left).Append(' ').Append(merge.Right).Append('\n');
        }
        WriteFile(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(text.ToString())));
    }

    private void WriteVocabObject(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        for (int id = 0; id < Vocab.Count; id++)
        {
            writer.WriteNumber(Vocab[id], id);
        }
        writer.WriteEndObject();
    }

    private static void WriteByteLevel(Utf8JsonWriter writer, string name, bool addPrefixSpace, bool trimOffsets)
    {
        writer.WriteStartObject(name);
        writer.WriteString("type", "ByteLevel");
        writer.WriteBoolean("add_prefix_space", addPrefixSpace);
        writer.WriteBoolean("trim_offsets", trimOffsets);
        writer.WriteBoolean("use_regex", true);
        writer.WriteEndObject();
    }

    private static void WriteJson(string path, Action<Utf8JsonWriter> write) =>
        WriteFile(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, WriterOptions);
            write(writer);
            writer.Flush();
        });

    private static void WriteFile(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            write(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{path}: cannot be written ({e.Message})", e);
        }
    }
}
