namespace InvarLock.Models.Tokenizers;

/// <summary>The GPT-2 byte-to-character table (<c>bytes_to_unicode</c> in OpenAI's encoder): every byte maps to one
/// printable character so that byte-level tokens are plain strings. Bytes that are printable Latin-1 (<c>!</c>..<c>~</c>,
/// <c>¡</c>..<c>¬</c>, <c>®</c>..<c>ÿ</c>) map to themselves; the remaining 68 bytes map, in increasing byte order, to
/// U+0100, U+0101, ... . <see cref="ByteOrder"/> lists bytes in the order GPT-2 gives them ids 0..255.</summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character that stands for each byte, indexed by byte.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar(out ByteOrder);

    /// <summary>Bytes in GPT-2 id order: the printable bytes ascending, then the others ascending.</summary>
    public static readonly byte[] ByteOrder;

    /// <summary>Highest character used by the table (U+0143).</summary>
    public const char MaxChar = (char)(256 + 67);

    private static readonly short[] CharToByteTable = BuildCharToByte();

    /// <summary>The byte a character stands for, or -1 when the character is not in the table.</summary>
    public static int CharToByte(char c) => c <= MaxChar ? CharToByteTable[c] : -1;

    private static bool IsPrintable(int b) => (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);

    private static char[] BuildByteToChar(out byte[] order)
    {
        var map = new char[256];
        order = new byte[256];
        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            if (IsPrintable(b))
            {
                map[b] = (char)b;
                order[next++] = (byte)b;
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!IsPrintable(b))
            {
                map[b] = (char)(256 + extra++);
                order[next++] = (byte)b;
            }
        }
        return map;
    }

    private static short[] BuildCharToByte()
    {
        var table = new short[MaxChar + 1];
        Array.Fill(table, (short)-1);
        for (int b = 0; b < 256; b++)
        {
            table[ByteToChar[b]] = (short)b;
        }
        return table;
    }
}
