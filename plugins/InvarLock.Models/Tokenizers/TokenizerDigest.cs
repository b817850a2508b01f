using System.Security.Cryptography;
using System.Text;

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
