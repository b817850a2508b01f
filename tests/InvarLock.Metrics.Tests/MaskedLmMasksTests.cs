namespace InvarLock.Metrics.Tests;

public sealed class MaskedLmMasksTests
{
    private const int Mask = 4;
    private const int Vocab = 1000;

    private static int[] Window(int length, int seed = 9)
    {
        var rng = new Random(seed);
        var ids = new int[length];
        for (int t = 0; t < length; t++)
        {
            ids[t] = 10 + rng.Next(Vocab - 10);
        }
        return ids;
    }

    private static bool Special(int id) => id < 10;

    [Fact]
    public void Draw_SameSeedAndWindow_SameMasks()
    {
        int[] window = Window(200);

        MaskedLmMasks a = MaskedLmMasks.Draw(window, 42, Mask, Vocab, Special);
        MaskedLmMasks b = MaskedLmMasks.Draw(window.ToArray(), 42, Mask, Vocab, Special);

        Assert.Equal(a.Input, b.Input);
        Assert.Equal(a.Positions, b.Positions);
        Assert.Equal(a.Targets, b.Targets);
    }

    [Fact]
    public void Draw_OtherSeedOrOtherContent_OtherMasks()
    {
        int[] window = Window(200);
        int[] changed = window.ToArray();
        changed[^1] = changed[^1] == 11 ? 12 : 11;

        MaskedLmMasks a = MaskedLmMasks.Draw(window, 42, Mask, Vocab, Special);

        Assert.NotEqual(a.Positions, MaskedLmMasks.Draw(window, 43, Mask, Vocab, Special).Positions);
        Assert.NotEqual(a.Positions, MaskedLmMasks.Draw(changed, 42, Mask, Vocab, Special).Positions);
    }

    [Fact]
    public void Draw_LongWindow_SelectsFifteenPercentSplitEightyTenTen()
    {
        int[] window = Window(40_000);

        MaskedLmMasks m = MaskedLmMasks.Draw(window, 42, Mask, Vocab, Special);

        double selected = m.Positions.Length / (double)window.Length;
        int masked = 0, kept = 0;
        for (int i = 0; i < m.Positions.Length; i++)
        {
            int now = m.Input[m.Positions[i]];
            Assert.Equal(window[m.Positions[i]], m.Targets[i]);
            masked += now == Mask ? 1 : 0;
            kept += now == m.Targets[i] ? 1 : 0;
        }
        int n = m.Positions.Length;
        Assert.InRange(selected, 0.14, 0.16);
        Assert.InRange(masked / (double)n, 0.77, 0.83);
        Assert.InRange(kept / (double)n, 0.08, 0.12);
        Assert.InRange((n - masked - kept) / (double)n, 0.08, 0.12);
        for (int t = 0, p = 0; t < window.Length; t++)
        {
            bool isSelected = p < n && m.Positions[p] == t;
            if (isSelected)
            {
                p++;
            }
            else
            {
                Assert.Equal(window[t], m.Input[t]);
            }
        }
    }

    [Fact]
    public void Draw_SpecialTokens_NeverSelected()
    {
        int[] window = Window(2000);
        for (int t = 0; t < window.Length; t += 3)
        {
            window[t] = 2;
        }

        MaskedLmMasks m = MaskedLmMasks.Draw(window, 42, Mask, Vocab, Special);

        Assert.NotEmpty(m.Positions);
        Assert.All(m.Positions, p => Assert.NotEqual(0, p % 3));
    }

    [Fact]
    public void Draw_ShortWindows_AlwaysAtLeastOneSelected()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            int[] window = [2, .. Window(3, seed), 3];

            MaskedLmMasks m = MaskedLmMasks.Draw(window, seed, Mask, Vocab, Special);

            Assert.NotEmpty(m.Positions);
            Assert.All(m.Positions, p => Assert.InRange(p, 1, 3));
        }
    }

    [Fact]
    public void Draw_OnlySpecialTokens_SelectsNothing()
    {
        MaskedLmMasks m = MaskedLmMasks.Draw([2, 3, 0], 42, Mask, Vocab, Special);

        Assert.Empty(m.Positions);
        Assert.Equal([2, 3, 0], m.Input);
    }
}
