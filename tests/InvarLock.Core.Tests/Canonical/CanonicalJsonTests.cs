using System.Text.Json.Nodes;
using InvarLock.Core.Canonical;

namespace InvarLock.Core.Tests.Canonical;

public sealed class CanonicalJsonTests
{
    [Theory]
    // ECMAScript Number::toString outputs (RFC 8785 appendix B and ES262 §6.1.6.1.20).
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-1.5, "-1.5")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(123456789012345680000.0, "123456789012345680000")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(1.5e-7, "1.5e-7")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(9007199254740992.0, "9007199254740992")]
    [InlineData(333333333.3333332, "333333333.3333332")]
    [InlineData(0.002, "0.002")]
    [InlineData(1.1, "1.1")]
    [InlineData(-1e-300, "-1e-300")]
    public void Format_Double_MatchesEcmaScript(double value, string expected) =>
        Assert.Equal(expected, EcmaScriptNumber.Format(value));

    [Fact]
    public void Format_NegativeZero_IsZero() => Assert.Equal("0", EcmaScriptNumber.Format(-0.0));

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Format_NonFinite_Throws(double value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EcmaScriptNumber.Format(value));

    [Fact]
    public void Format_RandomDoubles_RoundTrip()
    {
        var rng = new Random(20250101);
        for (int i = 0; i < 20000; i++)
        {
            double value = BitConverter.Int64BitsToDouble(rng.NextInt64());
            if (!double.IsFinite(value))
            {
                continue;
            }

            string text = EcmaScriptNumber.Format(value);
            Assert.Equal(value == 0 ? 0.0 : value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Serialize_Rfc8785SortingExample_SortsByUtf16CodeUnits()
    {
        var node = new JsonObject
        {
            ["\u20ac"] = "Euro Sign",
            ["\r"] = "Carriage Return",
            ["\ufb33"] = "Hebrew Letter Dalet With Dagesh",
            ["1"] = "One",
            ["\ud83d\ude00"] = "Emoji: Grinning Face",
            ["\u0080"] = "Control",
            ["\u00f6"] = "Latin Small Letter O With Diaeresis",
        };
        string expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\","
            + "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
        Assert.Equal(expected, CanonicalJson.Serialize(node));
    }

    [Fact]
    public void Serialize_Rfc8785ValuesExample_MatchesExpected()
    {
        var node = JsonNode.Parse("""
            {"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
             "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
             "literals": [null, true, false]}
            """);
        string expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        Assert.Equal(expected, CanonicalJson.Serialize(node));
    }

    [Fact]
    public void Serialize_IntegersAndDoublesOfSameValue_AreEqual()
    {
        var a = new JsonObject { ["n"] = 320, ["l"] = 5_000_000_000L };
        var b = new JsonObject { ["l"] = 5e9, ["n"] = 320.0 };
        Assert.Equal(CanonicalJson.Serialize(a), CanonicalJson.Serialize(b));
        Assert.Equal(CanonicalJson.Sha256Hex(a), CanonicalJson.Sha256Hex(b));
    }

    [Fact]
    public void Serialize_NaNValue_Throws()
    {
        var node = new JsonObject { ["x"] = JsonValue.Create(double.NaN) };
        Assert.Throws<ArgumentOutOfRangeException>(() => CanonicalJson.Serialize(node));
    }

    [Fact]
    public void Serialize_LoneSurrogate_Throws() =>
        Assert.Throws<ArgumentException>(() => CanonicalJson.Serialize(JsonValue.Create("a\ud800b")));

    [Fact]
    public void Sha256Hex_EmptyObject_IsShaOfBraces() =>
        Assert.Equal("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", CanonicalJson.Sha256Hex(new JsonObject()));

    [Fact]
    public void WriteIndented_KeepsOrderAndParsesBackEqual()
    {
        var node = new JsonObject { ["z"] = 1, ["a"] = new JsonArray(1.5, 2, 3), ["m"] = new JsonObject { ["k"] = "v" } };
        string text = CanonicalJson.WriteIndented(node);
        Assert.StartsWith("{\n  \"z\": 1,\n  \"a\": [1.5, 2, 3],", text);
        Assert.EndsWith("}\n", text);
        Assert.Equal(CanonicalJson.Serialize(node), CanonicalJson.Serialize(JsonNode.Parse(text)));
    }

    [Fact]
    public void TokenIdsSha256_KnownInput_MatchesIndependentHash()
    {
        // bytes 01 00 00 00 02 00 00 00 ff ff ff ff hashed with SHA-256.
        byte[] bytes = [1, 0, 0, 0, 2, 0, 0, 0, 255, 255, 255, 255];
        Assert.Equal(Digests.Sha256Hex(bytes), Digests.TokenIdsSha256([1, 2, -1]));
        Assert.Equal(Digests.Sha256Hex(ReadOnlySpan<byte>.Empty), Digests.TokenIdsSha256([]));
        // SHA-256 of bytes 01 00 00 00 02 00 00 00, computed independently with python3 hashlib.
        Assert.Equal("34fb5c825de7ca4aea6e712f19d439c1da0c92c37b423936c5f618545ca4fa1f", Digests.TokenIdsSha256([1, 2]));
    }
}
