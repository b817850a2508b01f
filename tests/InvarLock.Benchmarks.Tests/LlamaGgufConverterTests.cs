using InvarLock.Benchmarks.Gguf;
using InvarLock.Models.Generation;
using InvarLock.Models.Safetensors;

namespace InvarLock.Benchmarks.Tests;

public sealed class LlamaGgufConverterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("invarlock-gguf-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void PermuteRotaryRows_TwoHeads_InterleavesEachHeadsHalves()
    {
        // 2 heads x head_dim 4, one column: head rows [a0 a1 b0 b1] become [a0 b0 a1 b1].
        float[] weight = [0, 1, 2, 3, 10, 11, 12, 13];

        float[] permuted = LlamaGgufConverter.PermuteRotaryRows(weight, heads: 2, headDim: 4, columns: 1);

        Assert.Equal(new float[] { 0, 2, 1, 3, 10, 12, 11, 13 }, permuted);
    }

    [Fact]
    public void PermuteRotaryRows_HalfSplitRope_EqualsInterleavedRopeOfPermuted()
    {
        const int Heads = 2, HeadDim = 8, Columns = 3;
        var rng = new Random(5);
        float[] weight = Enumerable.Range(0, Heads * HeadDim * Columns).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        float[] x = [0.3f, -1.2f, 0.7f];
        const int Position = 5;

        float[] q = MatVec(weight, x, Heads * HeadDim, Columns);
        float[] permuted = LlamaGgufConverter.PermuteRotaryRows(weight, Heads, HeadDim, Columns);
        float[] hf = RopeHalfSplit(q, Heads, HeadDim, Position);
        float[] ggml = RopeInterleaved(MatVec(permuted, x, Heads * HeadDim, Columns), Heads, HeadDim, Position);

        // GGML's interleaved rotation of the permuted rows is the HF rotation, reordered the same way.
        float[] expected = LlamaGgufConverter.PermuteRotaryRows(hf, Heads, HeadDim, 1);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], ggml[i], 5);
        }
    }

    [Fact]
    public void PermuteRotaryRows_OddHeadDim_Throws() =>
        Assert.Throws<ArgumentException>(() => LlamaGgufConverter.PermuteRotaryRows(new float[6], 2, 3, 1));

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    public void Convert_GeneratedLlama_WritesLlamaMetadataTensorsAndTokenizer(string typeName)
    {
        GgufTensorType type = Enum.Parse<GgufTensorType>(typeName);
        string model = Path.Combine(_folder, "llama");
        TinyDecoderGenerator.Generate(model, new TinyDecoderOptions
        {
            Family = TinyDecoderFamily.Llama, Layers = 2, Hidden = 32, Heads = 4, KvHeads = 2, Intermediate = 48,
            ConfigVocabSize = 600, TieWordEmbeddings = false, DType = SafetensorsDType.BF16,
        });
        string output = Path.Combine(_folder, "model.gguf");

        LlamaGgufConverter.Convert(model, output, type);
        var read = GgufTestReader.Read(File.ReadAllBytes(output));

        Assert.Equal("llama", read.Metadata["general.architecture"]);
        Assert.Equal(2u, read.Metadata["llama.block_count"]);
        Assert.Equal(4u, read.Metadata["llama.attention.head_count"]);
        Assert.Equal(2u, read.Metadata["llama.attention.head_count_kv"]);
        Assert.Equal(8u, read.Metadata["llama.rope.dimension_count"]);
        Assert.Equal("gpt2", read.Metadata["tokenizer.ggml.model"]);
        object[] tokens = (object[])read.Metadata["tokenizer.ggml.tokens"];
        Assert.Equal(600, tokens.Length);
        Assert.Equal("[PAD599]", tokens[599]);
        Assert.Equal(2 + 9 * 2 + 1, read.Tensors.Count);
        Assert.Equal(new ulong[] { 32, 600 }, read.Tensors.Single(t => t.Name == "token_embd.weight").Dims);
        Assert.Equal(new ulong[] { 32, 16 }, read.Tensors.Single(t => t.Name == "blk.1.attn_k.weight").Dims);
        Assert.Equal((uint)type, read.Tensors.Single(t => t.Name == "blk.0.ffn_down.weight").Type);
        Assert.Equal(0u, read.Tensors.Single(t => t.Name == "blk.0.attn_norm.weight").Type); // norms stay F32
        using var file = SafetensorsFile.Open(Directory.GetFiles(model, "*.safetensors").Single());
        Assert.Equal(file.ReadFloat32("model.layers.0.input_layernorm.weight"), read.Float32("blk.0.attn_norm.weight"));
        if (type == GgufTensorType.F32)
        {
            float[] q = file.ReadFloat32("model.layers.1.self_attn.q_proj.weight");
            Assert.Equal(LlamaGgufConverter.PermuteRotaryRows(q, 4, 8, 32), read.Float32("blk.1.attn_q.weight"));
            Assert.Equal(file.ReadFloat32("lm_head.weight"), read.Float32("output.weight"));
        }
    }

    [Fact]
    public void Run_NotALlamaFolder_Returns2AndWritesNothing()
    {
        File.WriteAllText(Path.Combine(_folder, "config.json"), """{"model_type": "gpt2"}""");
        string output = Path.Combine(_folder, "out.gguf");

        int code = LlamaGgufConverter.Run([_folder, output]);

        Assert.Equal(2, code);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Run_UnknownType_Returns2() =>
        Assert.Equal(2, LlamaGgufConverter.Run([_folder, Path.Combine(_folder, "out.gguf"), "--type", "Q4_0"]));

    private static float[] MatVec(float[] w, float[] x, int rows, int columns)
    {
        var y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                y[r] += w[r * columns + c] * x[c];
            }
        }
        return y;
    }

    private static double Angle(int position, int i, int headDim) => position * Math.Pow(10000, -2.0 * i / headDim);

    private static float[] RopeHalfSplit(float[] q, int heads, int headDim, int position)
    {
        var y = (float[])q.Clone();
        int half = headDim / 2;
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < half; i++)
            {
                double a = Angle(position, i, headDim);
                float x0 = q[h * headDim + i], x1 = q[h * headDim + i + half];
                y[h * headDim + i] = (float)(x0 * Math.Cos(a) - x1 * Math.Sin(a));
                y[h * headDim + i + half] = (float)(x1 * Math.Cos(a) + x0 * Math.Sin(a));
            }
        }
        return y;
    }

    private static float[] RopeInterleaved(float[] q, int heads, int headDim, int position)
    {
        var y = (float[])q.Clone();
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < headDim / 2; i++)
            {
                double a = Angle(position, i, headDim);
                float x0 = q[h * headDim + 2 * i], x1 = q[h * headDim + 2 * i + 1];
                y[h * headDim + 2 * i] = (float)(x0 * Math.Cos(a) - x1 * Math.Sin(a));
                y[h * headDim + 2 * i + 1] = (float)(x1 * Math.Cos(a) + x0 * Math.Sin(a));
            }
        }
        return y;
    }
}
