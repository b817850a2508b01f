using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InvarLock.Models.Tokenizers;

/// <summary>The SHA-256 of a tokenizer's canonical definition, independent of the file format it came from. The
/// hashed UTF-8 text is:
/// <code>
/// gpt2-byte-bpe\n
/// vocab &lt;count&gt;\n
/// &lt;id&gt;\t&lt;token&gt;\n        (one line per id, ascending)
/// merges &lt;count&gt;\n
/// &lt;left&gt; &lt;right&gt;\n      (one line per merge, in rank order)
/// </code>
/// where tokens escape <c>\</c>, tab, newline, carriage return and space as <c>\\</c>, <c>\t</c>, <c>\n</c>,
/// <c>\r</c> and <c>\s</c>. Added tokens are part of the vocabulary; whether they are marked special is not hashed
/// (vocab.json + merges.txt cannot say), and neither is anything that does not change ids.</summary>
internal static class TokenizerDigest
{
    public static string Compute(string kind, IReadOnlyList<KeyValuePair<int, string>> tokensById, IReadOnlyList<BpeMerge> merges)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder(256);
        var buffer = new byte[1024];

        void Flush()
        {
            int max = Encoding.UTF8.GetMaxByteCount(line.Length);
            if (buffer.Length < max)
            {
                buffer = new byte[max];
            }
            int n = Encoding.UTF8.GetBytes(line.ToString(), buffer);
            hash.AppendData(buffer, 0, n);
            line.Clear();
        }

        line.Append(kind).Append('\n');
        line.Append("vocab ").Append(tokensById.Count).Append('\n');
        Flush();
        foreach (var (id, token) in tokensById)
        {
            line.Append(id).Append('\t');
            AppendEscaped(line, token);
            line.Append('\n');
            Flush();
        }
        line.Append("merges ").Append(merges.Count).Append('\n');
        Flush();
        foreach (var merge in merges)
        {
            AppendEscaped(line, merge.Left);
            line.Append(' ');
            AppendEscaped(line, merge.Right);
            line.Append('\n');
            Flush();
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Folds the window BOS rule into a definition digest: SHA-256 of <c>&lt;digest&gt;\nbos &lt;ids&gt;\n</c>
    /// with the prefix ids comma-separated (empty when windows get no BOS).</summary>
    public static string WithBosRule(string definitionSha256, IReadOnlyList<int> prefixIds)
    {
        var text = new StringBuilder(definitionSha256).Append("\nbos ");
        for (int i = 0; i < prefixIds.Count; i++)
        {
            text.Append(i == 0 ? "" : ",").Append(prefixIds[i]);
        }
        text.Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The SHA-256 of a <c>tokenizer.json</c> in canonical form: <c>hf-tokenizer-json\n</c>, then the
    /// document as compact JSON with every object's keys in ordinal order, without the top-level <c>version</c>,
    /// <c>truncation</c> and <c>padding</c> (they do not change ids). Whitespace and key order in the file do not change
    /// it; any change of vocabulary, merges, component or option does.</summary>
    public static string ComputeCanonicalJson(JsonElement root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("hf-tokenizer-json\n"u8);
        using (var stream = new HashingStream(hash))
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            WriteCanonical(writer, root, topLevel: true);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element, bool topLevel)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
            {
                var properties = new List<JsonProperty>();
                foreach (var p in element.EnumerateObject())
                {
                    if (!(topLevel && p.Name is "version" or "truncation" or "padding"))
                    {
                        properties.Add(p);
                    }
                }
                properties.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                writer.WriteStartObject();
                foreach (var p in properties)
                {
                    writer.WritePropertyName(p.Name);
                    WriteCanonical(writer, p.Value, topLevel: false);
                }
                writer.WriteEndObject();
                writer.Flush();
                break;
            }
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item, topLevel: false);
                }
                writer.WriteEndArray();
                writer.Flush();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary>A write-only stream that feeds a hash.</summary>
    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
    }

    private static void AppendEscaped(StringBuilder sb, string token)
    {
        foreach (char c in token)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case ' ': sb.Append("\\s"); break;
                default: sb.Append(c); break;
            }
        }
    }
}
