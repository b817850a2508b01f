using InvarLock.Benchmarks.Gguf;

namespace InvarLock.Benchmarks.Tests;

public sealed class GgufWriterTests
{
    [Fact]
    public void WriteTo_MetadataAndTwoTensors_ReadsBackAsGgufV3()
    {
        var gguf = new GgufWriter();
        gguf.Add("general.architecture", "llama");
        gguf.Add("llama.block_count", 3u);
        gguf.Add("llama.rope.freq_base", 10000f);
        gguf.Add("tokenizer.ggml.tokens", new[] { "a", "bé" });
        gguf.Add("tokenizer.ggml.token_type", new[] { 1, 3 });
        float[] first = [1, 2, 3, 4, 5, 6];
        float[] second = [7, 8, 9];
        gguf.AddTensor("w", [2, 3], GgufTensorType.F32, s => GgufWriter.WriteFloat32(s, first));
        gguf.AddTensor("n", [3], GgufTensorType.F32, s => GgufWriter.WriteFloat32(s, second));
        using var stream = new MemoryStream();

        gguf.WriteTo(stream);
        var read = GgufTestReader.Read(stream.ToArray());

        Assert.Equal(3u, read.Version);
        Assert.Equal("llama", read.Metadata["general.architecture"]);
        Assert.Equal(3u, read.Metadata["llama.block_count"]);
        Assert.Equal(10000f, read.Metadata["llama.rope.freq_base"]);
        Assert.Equal(new object[] { "a", "bé" }, (object[])read.Metadata["tokenizer.ggml.tokens"]);
        Assert.Equal(new object[] { 1, 3 }, (object[])read.Metadata["tokenizer.ggml.token_type"]);
        Assert.Equal(new ulong[] { 3, 2 }, read.Tensors[0].Dims); // innermost first: ne[0] = columns
        Assert.Equal(0ul, read.Tensors[0].Offset);
        Assert.Equal(32ul, read.Tensors[1].Offset); // 24 bytes, padded to the 32-byte alignment
        Assert.Equal(0, read.DataStart % GgufWriter.Alignment);
        Assert.Equal(first, read.Float32("w"));
        Assert.Equal(second, read.Float32("n"));
        Assert.Equal(read.DataStart + 32 + 12 + 20, stream.Length);
    }

    [Fact]
    public void WriteTo_CallbackWritesTooFewBytes_Throws()
    {
        var gguf = new GgufWriter();
        gguf.AddTensor("w", [4], GgufTensorType.F16, s => GgufWriter.WriteUInt16(s, new ushort[3]));
        using var stream = new MemoryStream();

        var e = Assert.Throws<InvalidOperationException>(() => gguf.WriteTo(stream));

        Assert.Contains("'w': 6 bytes written, 8 expected", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddTensor_SameNameTwice_Throws()
    {
        var gguf = new GgufWriter();
        gguf.AddTensor("w", [1], GgufTensorType.F32, s => GgufWriter.WriteFloat32(s, [1f]));

        Assert.Throws<ArgumentException>(() => gguf.AddTensor("w", [1], GgufTensorType.F32, s => GgufWriter.WriteFloat32(s, [1f])));
    }

    [Fact]
    public void Write_CallbackThrows_LeavesNoFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"invarlock-gguf-{Guid.NewGuid():N}.gguf");
        var gguf = new GgufWriter();
        gguf.AddTensor("w", [1], GgufTensorType.F32, _ => throw new IOException("disk full"));

        Assert.Throws<IOException>(() => gguf.Write(path));

        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".partial"));
    }
}
