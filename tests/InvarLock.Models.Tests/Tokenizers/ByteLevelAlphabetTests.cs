using InvarLock.Models.Tokenizers;

namespace InvarLock.Models.Tests.Tokenizers;

public sealed class ByteLevelAlphabetTests
{
    [Fact]
    public void ByteToChar_AllBytes_MapToDistinctCharsThatMapBack()
    {
        var seen = new HashSet<char>();
        for (int b = 0; b < 256; b++)
        {
            char c = ByteLevelAlphabet.ByteToChar[b];
            Assert.True(seen.Add(c), $"byte {b} maps to a char already used");
            Assert.Equal(b, ByteLevelAlphabet.CharToByte(c));
        }
    }

    [Fact]
    public void ByteToChar_PrintableLatin1_MapsToItself()
    {
        for (int b = '!'; b <= '~'; b++)
        {
            Assert.Equal((char)b, ByteLevelAlphabet.ByteToChar[b]);
        }
        Assert.Equal('¡', ByteLevelAlphabet.ByteToChar[0xA1]);
        Assert.Equal('®', ByteLevelAlphabet.ByteToChar[0xAE]);
        Assert.Equal('ÿ', ByteLevelAlphabet.ByteToChar[0xFF]);
    }

    [Fact]
    public void ByteToChar_NonPrintableBytes_MapToU0100OnwardsInByteOrder()
    {
        Assert.Equal('\u0100', ByteLevelAlphabet.ByteToChar[0x00]);
        Assert.Equal('\u0120', ByteLevelAlphabet.ByteToChar[(byte)' ']); // GPT-2's familiar "Ġ"
        Assert.Equal('\u010A', ByteLevelAlphabet.ByteToChar[(byte)'\n']); // "Ċ"
        Assert.Equal('\u0143', ByteLevelAlphabet.ByteToChar[0xAD]); // the last of the 68 remapped bytes
        Assert.Equal(-1, ByteLevelAlphabet.CharToByte('\u0144'));
        Assert.Equal(-1, ByteLevelAlphabet.CharToByte(' '));
    }

    [Fact]
    public void ByteOrder_IsPrintableBytesThenOthers_EachOnce()
    {
        var order = ByteLevelAlphabet.ByteOrder;
        Assert.Equal(256, order.Distinct().Count());
        Assert.Equal((byte)'!', order[0]);
        Assert.Equal((byte)0xFF, order[187]);
        Assert.Equal((byte)0x00, order[188]);
        Assert.Equal((byte)0xAD, order[255]);
        for (int i = 1; i < 188; i++)
        {
            Assert.True(order[i] > order[i - 1]);
        }
        for (int i = 189; i < 256; i++)
        {
            Assert.True(order[i] > order[i - 1]);
        }
    }
}
