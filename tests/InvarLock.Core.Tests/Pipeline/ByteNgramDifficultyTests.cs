using System.Text;
using InvarLock.Core.Pipeline;

namespace InvarLock.Core.Tests.Pipeline;

public sealed class ByteNgramDifficultyTests
{
    [Fact]
    public void Score_TwoUnseenBytes_IsLnOf258Over2()
    {
        // Each byte follows a context seen once with that byte once: p = (1 + 1) / (1 + 257).
        double[] scores = ByteNgramDifficulty.Score([Encoding.UTF8.GetBytes("ab")]);
        Assert.Equal(Math.Log(129), scores[0], 14);
    }

    [Fact]
    public void Score_EmptyText_IsZero() => Assert.Equal(0.0, ByteNgramDifficulty.Score([[], [1, 2, 3]])[0]);

    [Fact]
    public void Score_RepetitiveText_IsEasierThanVariedText()
    {
        var rng = new Random(5);
        byte[] varied = Enumerable.Range(0, 400).Select(_ => (byte)('a' + rng.Next(26))).ToArray();
        byte[] repetitive = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the cat ", 50)));
        double[] scores = ByteNgramDifficulty.Score([varied, repetitive]);
        Assert.True(scores[1] < scores[0] / 2, $"{scores[1]} vs {scores[0]}");
    }

    [Fact]
    public void Score_CountsArePooledOverAllTexts()
    {
        byte[] text = Encoding.UTF8.GetBytes("hello world");
        double alone = ByteNgramDifficulty.Score([text])[0];
        double withCopy = ByteNgramDifficulty.Score([text, text])[0];
        Assert.True(withCopy < alone);
    }

    [Fact]
    public void MeanAndStd_IsPopulationStatistics()
    {
        var (mean, std) = ByteNgramDifficulty.MeanAndStd([1.0, 2.0, 3.0, 4.0]);
        Assert.Equal(2.5, mean);
        Assert.Equal(Math.Sqrt(1.25), std, 15);
    }
}
