using System.Text;

namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary><c>ByteLevel</c>: byte-level chars back to bytes (a token with a char outside the table contributes its
/// own UTF-8), all tokens joined, invalid UTF-8 replaced by U+FFFD.</summary>
internal sealed class ByteLevelDecoder : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        var bytes = new List<byte>();
        foreach (string token in tokens)
        {
            int mark = bytes.Count;
            bool plain = false;
            foreach (char c in token)
            {
                int b = ByteLevelAlphabet.CharToByte(c);
                if (b < 0)
                {
                    plain = true;
                    break;
                }
                bytes.Add((byte)b);
            }
            if (plain)
            {
                bytes.RemoveRange(mark, bytes.Count - mark);
                bytes.AddRange(Encoding.UTF8.GetBytes(token));
            }
        }
        tokens.Clear();
        tokens.Add(Encoding.UTF8.GetString(bytes.ToArray()));
    }
}
