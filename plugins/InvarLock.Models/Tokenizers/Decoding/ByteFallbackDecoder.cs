using System.Globalization;
using System.Text;

namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary><c>ByteFallback</c>: runs of <c>&lt;0xXX&gt;</c> tokens become the text their bytes spell, or one U+FFFD
/// per byte when they are not valid UTF-8.</summary>
internal sealed class ByteFallbackDecoder : ITokenDecoder
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    public void Decode(List<string> tokens)
    {
        var output = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (string token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
                && byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
            {
                pending.Add(b);
                continue;
            }
            Flush();
            output.Add(token);
        }
        Flush();
        tokens.Clear();
        tokens.AddRange(output);

        void Flush()
        {
            if (pending.Count == 0)
            {
                return;
            }
            try
            {
                output.Add(Strict.GetString(pending.ToArray()));
            }
            catch (DecoderFallbackException)
            {
                output.Add(new string('\uFFFD', pending.Count));
            }
            pending.Clear();
        }
    }
}
