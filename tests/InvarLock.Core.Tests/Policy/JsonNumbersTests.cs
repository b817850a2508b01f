using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Policy;

namespace InvarLock.Core.Tests.Policy;

public sealed class JsonNumbersTests
{
    [Fact]
    public void TryGetDouble_DoubleValue_ReadsIt()
    {
        Assert.True(JsonNumbers.TryGetDouble(JsonValue.Create(1.25), out double d));
        Assert.Equal(1.25, d);
    }

    [Fact]
    public void TryGetDouble_LongValue_ReadsIt()
    {
        Assert.True(JsonNumbers.TryGetDouble(JsonValue.Create(50_000L), out double d));
        Assert.Equal(50_000.0, d);
    }

    [Fact]
    public void TryGetDouble_IntValue_ReadsIt()
    {
        Assert.True(JsonNumbers.TryGetDouble(JsonValue.Create(-3), out double d));
        Assert.Equal(-3.0, d);
    }

    [Fact]
    public void TryGetDouble_ParsedNumberElement_ReadsIt()
    {
        Assert.True(JsonNumbers.TryGetDouble(JsonValue.Create(JsonDocument.Parse("0.125").RootElement), out double d));
        Assert.Equal(0.125, d);
        Assert.True(JsonNumbers.TryGetDouble(JsonNode.Parse("7"), out d));
        Assert.Equal(7.0, d);
    }

    [Fact]
    public void TryGetDouble_StringElement_False()
    {
        Assert.False(JsonNumbers.TryGetDouble(JsonValue.Create(JsonDocument.Parse("\"1.5\"").RootElement), out _));
        Assert.False(JsonNumbers.TryGetDouble(JsonNode.Parse("\"1.5\""), out _));
    }

    [Fact]
    public void TryGetDouble_NonNumbers_FalseAndZero()
    {
        Assert.False(JsonNumbers.TryGetDouble(null, out double d));
        Assert.Equal(0, d);
        Assert.False(JsonNumbers.TryGetDouble(new JsonObject { ["a"] = 1 }, out d));
        Assert.False(JsonNumbers.TryGetDouble(new JsonArray(1), out d));
        Assert.False(JsonNumbers.TryGetDouble(JsonValue.Create("2"), out d));
        Assert.False(JsonNumbers.TryGetDouble(JsonValue.Create(true), out d));
        Assert.Equal(0, d);
    }
}
