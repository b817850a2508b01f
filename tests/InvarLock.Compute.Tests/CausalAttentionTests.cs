namespace InvarLock.Compute.Tests;

public class CausalAttentionTests
{
    /// <summary>Naive double attention: per query head j, KV head j / (heads / kvHeads), keys t−W &lt; s ≤ t.</summary>
    private static double[] Reference(float[] q, int qOff, int ldq, float[] k, int kOff, int ldk, float[] v, int vOff, int ldv,
        int tokens, int heads, int kvHeads, int hd, double scale, int window)
    {
        var o = new double[tokens * heads * hd];
        int group = heads / kvHeads;
        var p = new double[tokens];
        for (int h = 0; h < heads; h++)
        {
            int kv = h / group;
            for (int t = 0; t < tokens; t++)
            {
                int first = window > 0 ? Math.Max(0, t - window + 1) : 0;
                double max = double.NegativeInfinity;
                for (int s = first; s <= t; s++)
                {
                    double dot = 0;
                    for (int i = 0; i < hd; i++)
                    {
                        dot += (double)q[qOff + t * ldq + h * hd + i] * k[kOff + s * ldk + kv * hd + i];
                    }
                    p[s] = dot * scale;
                    max = Math.Max(max, p[s]);
                }
                double sum = 0;
                for (int s = first; s <= t; s++)
                {
                    p[s] = Math.Exp(p[s] - max);
                    sum += p[s];
                }
                for (int i = 0; i < hd; i++)
                {
                    double acc = 0;
                    for (int s = first; s <= t; s++)
                    {
                        acc += p[s] / sum * v[vOff + s * ldv + kv * hd + i];
                    }
                    o[t * heads * hd + h * hd + i] = acc;
                }
            }
        }
        return o;
    }

    public static TheoryData<int, int, int, int, int> Cases() => new()
    {
        // tokens, heads, kvHeads, headDim, window
        { 1, 2, 2, 8, 0 },
        { 67, 4, 4, 16, 0 },      // MHA, odd T across two query blocks
        { 130, 8, 2, 16, 0 },     // GQA: 4 query heads per KV head, three query blocks
        { 45, 4, 1, 32, 0 },      // MQA
        { 150, 4, 2, 8, 37 },     // sliding window shorter than T (and than a query block)
        { 140, 2, 1, 8, 100 },    // window longer than a block, shorter than T
        { 20, 2, 2, 8, 64 },      // window longer than T: same as full causal
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Apply_SeparateBuffers_MatchesNaiveReference(int tokens, int heads, int kvHeads, int hd, int window)
    {
        int qw = heads * hd, kw = kvHeads * hd;
        float[] q = TestData.Random(tokens * qw, seed: 1, scale: 2f);
        float[] k = TestData.Random(tokens * kw, seed: 2, scale: 2f);
        float[] v = TestData.Random(tokens * kw, seed: 3);
        float scale = 1f / MathF.Sqrt(hd);
        var o = new float[tokens * qw];
        CausalAttention.Apply(q, qw, k, kw, v, kw, o, qw, tokens, heads, kvHeads, hd, scale, window, threads: 1);
        AssertClose(Reference(q, 0, qw, k, 0, kw, v, 0, kw, tokens, heads, kvHeads, hd, scale, window), o, 0, qw, tokens, qw);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Apply_FusedQkvWithStrides_MatchesReferenceAndIsThreadIndependent(int tokens, int heads, int kvHeads, int hd, int window)
    {
        // One fused row: [q (heads·hd) | k (kvHeads·hd) | v (kvHeads·hd) | padding], as Phi-3's qkv_proj output.
        int qw = heads * hd, kw = kvHeads * hd;
        int ld = qw + 2 * kw + 3;
        float[] qkv = TestData.Random(tokens * ld, seed: tokens + heads, scale: 2f);
        int ldo = qw + 5;
        float scale = 1f / MathF.Sqrt(hd);
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var o = Enumerable.Repeat(7f, tokens * ldo).ToArray();
            CausalAttention.Apply(qkv, ld, qkv.AsSpan(qw), ld, qkv.AsSpan(qw + kw), ld, o, ldo, tokens, heads, kvHeads, hd, scale, window, threads);
            if (first is null)
            {
                first = o;
                AssertClose(Reference(qkv, 0, ld, qkv, qw, ld, qkv, qw + kw, ld, tokens, heads, kvHeads, hd, scale, window), o, 0, ldo, tokens, qw);
                for (int t = 0; t < tokens; t++)
                {
                    for (int i = qw; i < ldo; i++)
                    {
                        Assert.Equal(7f, o[t * ldo + i]); // padding untouched
                    }
                }
            }
            else
            {
                Assert.Equal(first, o);
            }
        }
    }

    [Fact]
    public void Apply_WindowLongerThanTokens_EqualsFullCausal()
    {
        const int tokens = 50, heads = 2, hd = 8;
        float[] q = TestData.Random(tokens * heads * hd, seed: 4);
        float[] k = TestData.Random(tokens * heads * hd, seed: 5);
        float[] v = TestData.Random(tokens * heads * hd, seed: 6);
        var full = new float[q.Length];
        var windowed = new float[q.Length];
        CausalAttention.Apply(q, 16, k, 16, v, 16, full, 16, tokens, heads, heads, hd, 0.3f);
        CausalAttention.Apply(q, 16, k, 16, v, 16, windowed, 16, tokens, heads, heads, hd, 0.3f, slidingWindow: tokens);
        Assert.Equal(full, windowed);
    }

    [Fact]
    public void Apply_HeadsNotMultipleOfKvHeads_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            CausalAttention.Apply(new float[48], 24, new float[32], 16, new float[32], 16, new float[48], 24, 2, 3, 2, 8, 1f));
    }

    [Fact]
    public void Apply_ShortOutput_Throws()
    {
        Assert.Throws<ArgumentException>(() =>
            CausalAttention.Apply(new float[32], 16, new float[32], 16, new float[32], 16, new float[20], 16, 2, 2, 2, 8, 1f));
    }

    private static void AssertClose(double[] expected, float[] actual, int offset, int ld, int tokens, int width)
    {
        for (int t = 0; t < tokens; t++)
        {
            for (int i = 0; i < width; i++)
            {
                double e = expected[t * width + i];
                float a = actual[offset + t * ld + i];
                Assert.True(Math.Abs(a - e) <= 2e-6 + 2e-6 * Math.Abs(e), $"o[{t},{i}] = {a}, reference {e}");
            }
        }
    }
}
