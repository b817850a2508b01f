namespace InvarLock.Compute.Tests;

public class HalfConversionsTests
{
    private static ushort[] AllPatterns()
    {
        var bits = new ushort[65536];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = (ushort)i;
        }
        return bits;
    }

    [Fact]
    public void WidenFloat16_EveryBitPattern_MatchesSystemHalf()
    {
        ushort[] bits = AllPatterns();
        var wide = new float[bits.Length];
        HalfConversions.WidenFloat16(bits, wide);
        for (int i = 0; i < bits.Length; i++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf(bits[i]);
            if (float.IsNaN(expected))
            {
                Assert.True(float.IsNaN(wide[i]), $"0x{i:X4} should widen to NaN, got {wide[i]}");
            }
            else
            {
                Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(wide[i]),
                    $"0x{i:X4}: expected {expected:R}, got {wide[i]:R}");
            }
        }
    }

    [Theory]
    [InlineData(HalfFormat.Float16)]
    [InlineData(HalfFormat.BFloat16)]
    public void Widen_VectorAndScalarPaths_GiveIdenticalBits(HalfFormat format)
    {
        ushort[] bits = AllPatterns();
        var wide = new float[bits.Length];
        HalfConversions.Widen(bits, format, wide);
        for (int i = 0; i < bits.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToUInt32Bits(HalfConversions.ToSingle(bits[i], format)), BitConverter.SingleToUInt32Bits(wide[i]));
        }
        // Odd lengths and offsets exercise the vector body and the scalar tail at every alignment.
        for (int start = 0; start < 17; start++)
        {
            var part = new float[37];
            HalfConversions.Widen(bits.AsSpan(0x3C00 + start, 37), format, part);
            for (int i = 0; i < part.Length; i++)
            {
                Assert.Equal(BitConverter.SingleToUInt32Bits(wide[0x3C00 + start + i]), BitConverter.SingleToUInt32Bits(part[i]));
            }
        }
    }

    [Fact]
    public void WidenBFloat16_EveryBitPattern_IsUpperHalfOfFloat32()
    {
        ushort[] bits = AllPatterns();
        var wide = new float[bits.Length];
        HalfConversions.WidenBFloat16(bits, wide);
        for (int i = 0; i < bits.Length; i++)
        {
            Assert.Equal((uint)i << 16, BitConverter.SingleToUInt32Bits(wide[i]));
        }
    }

    [Theory]
    [InlineData((ushort)0x0001, 5.9604644775390625e-08)]   // smallest subnormal, 2^-24
    [InlineData((ushort)0x03FF, 6.097555160522461e-05)]    // largest subnormal
    [InlineData((ushort)0x0400, 6.103515625e-05)]          // smallest normal
    [InlineData((ushort)0x7BFF, 65504.0)]                  // largest finite
    [InlineData((ushort)0xC000, -2.0)]
    [InlineData((ushort)0x8000, -0.0)]
    public void ToSingle_Float16SpecialValues_AreExact(ushort bits, double expected)
    {
        float value = HalfConversions.ToSingle(bits, HalfFormat.Float16);
        Assert.Equal(BitConverter.SingleToUInt32Bits((float)expected), BitConverter.SingleToUInt32Bits(value));
    }

    [Fact]
    public void ToSingle_Float16Infinities_AreInfinite()
    {
        Assert.Equal(float.PositiveInfinity, HalfConversions.ToSingle(0x7C00, HalfFormat.Float16));
        Assert.Equal(float.NegativeInfinity, HalfConversions.ToSingle(0xFC00, HalfFormat.Float16));
        Assert.True(float.IsNaN(HalfConversions.ToSingle(0x7E00, HalfFormat.Float16)));
    }

    [Fact]
    public void Narrow_Float16_RoundTripsEveryNonNaNPattern()
    {
        ushort[] bits = AllPatterns();
        var wide = new float[bits.Length];
        HalfConversions.WidenFloat16(bits, wide);
        var back = new ushort[bits.Length];
        HalfConversions.Narrow(wide, HalfFormat.Float16, back);
        for (int i = 0; i < bits.Length; i++)
        {
            if (!float.IsNaN(wide[i]))
            {
                Assert.Equal(bits[i], back[i]);
            }
        }
    }

    [Theory]
    [InlineData(0x3F808000u, (ushort)0x3F80)] // tie, lower is even: round down
    [InlineData(0x3F818000u, (ushort)0x3F82)] // tie, lower is odd: round up
    [InlineData(0x3F808001u, (ushort)0x3F81)] // above the tie
    [InlineData(0x7F7FFFFFu, (ushort)0x7F80)] // float max rounds to infinity
    [InlineData(0x7FC00001u, HalfConversions.BFloat16QuietNaN)]
    [InlineData(0xFF800001u, HalfConversions.BFloat16QuietNaN)]
    public void ToBFloat16Bits_RoundsToNearestEven(uint floatBits, ushort expected)
    {
        Assert.Equal(expected, HalfConversions.ToBFloat16Bits(BitConverter.UInt32BitsToSingle(floatBits)));
        var one = new ushort[1];
        HalfConversions.Narrow([BitConverter.UInt32BitsToSingle(floatBits)], HalfFormat.BFloat16, one);
        Assert.Equal(expected, one[0]);
    }

    [Theory]
    [InlineData(1.0 + 1.0 / 2048, (ushort)0x3C00)]     // tie between 1 and 1+2^-10: even (1)
    [InlineData(1.0 + 3.0 / 2048, (ushort)0x3C02)]     // tie between 1+2^-10 and 1+2^-9: even
    [InlineData(65520.0, (ushort)0x7C00)]              // halfway to the next binade overflows
    [InlineData(2.9802322387695312e-08, (ushort)0x0000)] // 2^-25: tie to even zero
    public void ToFloat16Bits_RoundsToNearestEven(double value, ushort expected)
    {
        Assert.Equal(expected, HalfConversions.ToFloat16Bits((float)value));
    }

    [Fact]
    public void Widen_ShortDestination_Throws()
    {
        Assert.Throws<ArgumentException>(() => HalfConversions.Widen(new ushort[4], HalfFormat.Float16, new float[3]));
    }
}
