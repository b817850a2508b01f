using InvarLock.Core.Reporting.Html;

namespace InvarLock.Core.Tests.Reporting.Html;

public sealed class HtmlTextTests
{
    [Fact]
    public void Escape_MarkupCharacters_AllFiveEscaped()
    {
        Assert.Equal("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;", HtmlText.Escape("<a href=\"x\" title='y'>&</a>"));
    }

    [Fact]
    public void Escape_ControlCharacters_DroppedButLineBreaksKept()
    {
        Assert.Equal("ab\tc\nd", HtmlText.Escape("a\u0000b\tc\nd\u001b"));
    }

    [Fact]
    public void Escape_PlainText_ReturnedUnchanged()
    {
        const string text = "spectral guard: Δ 0.01 ≤ κ";
        Assert.Same(text, HtmlText.Escape(text));
        Assert.Equal("", HtmlText.Escape(null));
    }

    [Theory]
    [InlineData(1.23456789, 4, "1.2346")]
    [InlineData(2.0, 6, "2")]
    [InlineData(-0.0000001, 6, "0")]
    [InlineData(double.NaN, 6, "n/a")]
    [InlineData(double.PositiveInfinity, 6, "n/a")]
    [InlineData(50000.0, 0, "50000")]
    public void Number_Values_FormattedInvariant(double value, int decimals, string expected)
    {
        Assert.Equal(expected, HtmlText.Number(value, decimals));
    }

    [Fact]
    public void Number_Null_IsNotAvailable()
    {
        Assert.Equal("n/a", HtmlText.Number(null));
        Assert.Equal("n/a", HtmlText.Fixed(null, 3));
        Assert.Equal("1.500", HtmlText.Fixed(1.5, 3));
    }
}
