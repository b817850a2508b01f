using InvarLock.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Models.HuggingFace;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tests.HuggingFace;

public sealed class HfCheckpointWriterTests : IDisposable
{
    private const string EditedTensor = "transformer.h.1.mlp.c_fc.weight";
    private static readonly ModelLoadOptions Options = new() { Threads = 1 };
    private readonly TempFolder _temp = new("hf-ckpt-writer");
    private readonly HfCausalAdapter _adapter = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Adapter_IsACheckpointWriter() => Assert.IsAssignableFrom<ICheckpointWriter>(_adapter);

    [Fact]
    public void WriteCheckpoint_EditedModel_LoadsBackBitIdenticalWithIdenticalLosses()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path, "source");
        string target = _temp.Combine("written");
        using IModel model = _adapter.Load(source, Options);
        Span<float> edited = model.Parameters.GetSpan(EditedTensor);
        edited[7] = 0.4375f;
        edited[100] = -edited[100] * 3f;

        IReadOnlyList<string> files = ((ICheckpointWriter)_adapter).WriteCheckpoint(model, source, target);

        Assert.Equal(["config.json", "generation_config.json", "merges.txt", "model.safetensors", "special_tokens_map.json",
            "tokenizer.json", "tokenizer_config.json", "vocab.json"], files);
        Assert.Equal(files, Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (string name in files.Where(f => f != SafetensorsCheckpoint.SingleFileName))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, name)), File.ReadAllBytes(Path.Combine(target, name)));
        }
        Assert.Equal(["source", "written"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using (SafetensorsFile file = SafetensorsFile.Open(Path.Combine(target, SafetensorsCheckpoint.SingleFileName)))
        {
            Assert.Equal(new Dictionary<string, string> { ["format"] = "pt", ["invarlock_written"] = "true" }, file.Metadata);
            Assert.All(file.Entries, e => Assert.Equal(SafetensorsDType.F32, e.DType));
            Assert.DoesNotContain(file.Entries, e => e.Name == "lm_head.weight");
        }

        using IModel reloaded = _adapter.Load(target, Options);
        AssertSameParameters(model.Parameters, reloaded.Parameters);
        Assert.Equal(0.4375f, reloaded.Parameters.GetSpan(EditedTensor)[7]);
        ReadOnlyMemory<int>[] windows =
        [
            model.Tokenizer.Encode("The model was built in the city of stone. The river grew.").AsMemory(),
            model.Tokenizer.Encode("A second window, about the old bridge and the market by the water.").AsMemory(),
        ];
        IReadOnlyList<WindowLoss> expected = model.CausalLosses(windows);
        IReadOnlyList<WindowLoss> actual = reloaded.CausalLosses(windows);
        Assert.Equal(expected, actual);
        using IModel pristine = _adapter.Load(source, Options);
        Assert.NotEqual(pristine.CausalLosses(windows)[0].LossSum, actual[0].LossSum);
    }

    [Fact]
    public void WriteCheckpoint_EmptyExistingFolder_IsFilled()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path, "source");
        string target = Directory.CreateDirectory(_temp.Combine("empty")).FullName;
        using IModel model = _adapter.Load(source, Options);

        IReadOnlyList<string> files = _adapter.WriteCheckpoint(model, source, target + Path.DirectorySeparatorChar);

        Assert.Contains(SafetensorsCheckpoint.SingleFileName, files);
        using IModel reloaded = _adapter.Load(target, Options);
        AssertSameParameters(model.Parameters, reloaded.Parameters);
    }

    [Fact]
    public void WriteCheckpoint_NonEmptyFolder_ThrowsOutputErrorAndWritesNothing()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path, "source");
        string target = Directory.CreateDirectory(_temp.Combine("occupied")).FullName;
        File.WriteAllText(Path.Combine(target, "notes.txt"), "keep me");
        using IModel model = _adapter.Load(source, Options);

        var e = Assert.Throws<InvarLockException>(() => _adapter.WriteCheckpoint(model, source, target));

        Assert.Equal(ErrorCodes.OutputError, e.Code);
        Assert.Contains(target, e.Message);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(target, "notes.txt")));
        Assert.Equal(["occupied", "source"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WriteCheckpoint_TargetIsAFile_ThrowsOutputError()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path, "source");
        string target = _temp.Combine("file.bin");
        File.WriteAllText(target, "x");
        using IModel model = _adapter.Load(source, Options);

        var e = Assert.Throws<InvarLockException>(() => _adapter.WriteCheckpoint(model, source, target));

        Assert.Equal(ErrorCodes.OutputError, e.Code);
        Assert.Contains(target, e.Message);
        Assert.Equal("x", File.ReadAllText(target));
    }

    [Fact]
    public void WriteCheckpoint_TargetIsASymlinkToAnEmptyFolder_ThrowsOutputError()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path, "source");
        string real = Directory.CreateDirectory(_temp.Combine("real")).FullName;
        string link = _temp.Combine("link");
        Directory.CreateSymbolicLink(link, real);
        using IModel model = _adapter.Load(source, Options);

        var e = Assert.Throws<InvarLockException>(() => _adapter.WriteCheckpoint(model, source, link));

        Assert.Equal(ErrorCodes.OutputError, e.Code);
        Assert.Contains(link, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(real));
    }

    [Theory]
    [InlineData(SafetensorsDType.F16)]
    [InlineData(SafetensorsDType.BF16)]
    public void WriteCheckpoint_ShardedHalfPrecisionSource_WritesOneFileInTheStoredTypeWithTheSameValues(SafetensorsDType dtype)
    {
        string source = MakeShardedSource(CheckpointFactory.CreateTiny(_temp.Path, "source"), dtype);
        string target = _temp.Combine("written");
        using IModel model = _adapter.Load(source, Options);

        IReadOnlyList<string> files = _adapter.WriteCheckpoint(model, source, target);

        Assert.Contains(SafetensorsCheckpoint.SingleFileName, files);
        Assert.DoesNotContain(files, f => f.StartsWith("model-", StringComparison.Ordinal) || f == SafetensorsCheckpoint.IndexFileName);
        using (SafetensorsFile file = SafetensorsFile.Open(Path.Combine(target, SafetensorsCheckpoint.SingleFileName)))
        {
            Assert.All(file.Entries, e => Assert.Equal(dtype, e.DType));
            Assert.All(file.Entries, e => Assert.StartsWith("transformer.", e.Name));
        }
        using IModel reloaded = _adapter.Load(target, Options);
        AssertSameParameters(model.Parameters, reloaded.Parameters);
    }

    [Fact]
    public void WriteCheckpoint_UntiedHead_WritesAndReloadsTheHead()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path, "source");
        string weights = Path.Combine(source, SafetensorsCheckpoint.SingleFileName);
        List<SafetensorsTensor> tensors = ReadTensors(weights);
        SafetensorsTensor wte = tensors.Single(t => t.Name == "transformer.wte.weight");
        tensors.Add(new SafetensorsTensor("lm_head.weight", wte.Shape, wte.Data.Select(v => v * 0.5f).ToArray()));
        SafetensorsWriter.Write(weights, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        EditConfig(source, config => config["tie_word_embeddings"] = false);
        using IModel model = _adapter.Load(source, Options);
        Assert.True(model.Parameters.TryGet("lm_head.weight", out _));
        string target = _temp.Combine("written");

        _adapter.WriteCheckpoint(model, source, target);

        using IModel reloaded = _adapter.Load(target, Options);
        AssertSameParameters(model.Parameters, reloaded.Parameters);
        int[] ids = model.Tokenizer.Encode("The river grew by the old bridge.");
        Assert.Equal(model.CausalLosses([ids.AsMemory()]), reloaded.CausalLosses([ids.AsMemory()]));
    }

    [Fact]
    public void WriteCheckpoint_ModelNotDescribedBySourceConfig_ThrowsShapeMismatchAndWritesNothing()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path, "source");
        using IModel model = _adapter.Load(source, Options);
        string other = CheckpointFactory.CopyBitIdentical(source, _temp.Path, "one-layer");
        EditConfig(other, config => config["n_layer"] = 1);
        string target = _temp.Combine("written");

        var e = Assert.Throws<InvarLockException>(() => _adapter.WriteCheckpoint(model, other, target));

        Assert.Equal(ErrorCodes.ShapeMismatch, e.Code);
        Assert.Contains("transformer.h.1.", e.Message);
        Assert.False(Path.Exists(target));
    }

    [Fact]
    public void WriteCheckpoint_CancelledBetweenTensors_ThrowsAndLeavesNothing()
    {
        string source = CheckpointFactory.CreateTiny(_temp.Path, "source");
        string target = _temp.Combine("written");
        using IModel model = _adapter.Load(source, Options);
        using var cancellation = new CancellationTokenSource();
        var cancelling = new CancellingModel(model, cancellation, afterReads: 3);

        Assert.ThrowsAny<OperationCanceledException>(() => _adapter.WriteCheckpoint(cancelling, source, target, cancellation.Token));

        Assert.Equal(3, cancelling.Reads);
        Assert.False(Path.Exists(target));
        Assert.Equal(["source"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    private static void AssertSameParameters(IParameterStore expected, IParameterStore actual)
    {
        Assert.Equal(expected.All, actual.All, (a, b) => a.Name == b.Name && a.Shape.SequenceEqual(b.Shape));
        foreach (ParameterInfo info in expected.All)
        {
            int[] a = ToBits(expected.GetSpan(info.Name));
            int[] b = ToBits(actual.GetSpan(info.Name));
            Assert.True(a.AsSpan().SequenceEqual(b), $"parameter '{info.Name}' differs");
        }
    }

    private static int[] ToBits(ReadOnlySpan<float> values)
    {
        int[] bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }
        return bits;
    }

    private static List<SafetensorsTensor> ReadTensors(string path)
    {
        using SafetensorsFile file = SafetensorsFile.Open(path);
        return file.Entries.Select(e => new SafetensorsTensor(e.Name, e.Shape.Select(d => checked((int)d)).ToArray(),
            file.ReadFloat32(e.Name))).ToList();
    }

    private static void EditConfig(string folder, Action<JsonObject> edit)
    {
        string path = Path.Combine(folder, "config.json");
        JsonObject config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Rewrites <paramref name="folder"/>'s weights as two <paramref name="dtype"/> shards with an index; the
    /// second shard uses the unprefixed GPT2Model names and carries a causal-mask buffer, as old uploads do.</summary>
    private static string MakeShardedSource(string folder, SafetensorsDType dtype)
    {
        string single = Path.Combine(folder, SafetensorsCheckpoint.SingleFileName);
        List<SafetensorsTensor> tensors = ReadTensors(single);
        File.Delete(single);
        var first = new List<SafetensorsTensor>();
        var second = new List<SafetensorsTensor> { new("h.0.attn.bias", [1, 1, 4, 4], new float[16]) };
        for (int i = 0; i < tensors.Count; i++)
        {
            SafetensorsTensor t = tensors[i];
            if (i % 2 == 0)
            {
                first.Add(t);
            }
            else
            {
                second.Add(t with { Name = t.Name["transformer.".Length..] });
            }
        }
        const string FirstName = "model-00001-of-00002.safetensors";
        const string SecondName = "model-00002-of-00002.safetensors";
        SafetensorsWriter.Write(Path.Combine(folder, FirstName), first, new Dictionary<string, string> { ["format"] = "pt" }, dtype);
        SafetensorsWriter.Write(Path.Combine(folder, SecondName), second, new Dictionary<string, string> { ["format"] = "pt" }, dtype);
        var map = new JsonObject();
        foreach (SafetensorsTensor t in first)
        {
            map[t.Name] = FirstName;
        }
        foreach (SafetensorsTensor t in second)
        {
            map[t.Name] = SecondName;
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = 0 }, ["weight_map"] = map };
        File.WriteAllText(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), index.ToJsonString());
        return folder;
    }

    /// <summary>A model whose parameter store cancels <c>cancellation</c> once <c>afterReads</c> tensors were read.</summary>
    private sealed class CancellingModel(IModel inner, CancellationTokenSource cancellation, int afterReads) : IModel, IParameterStore
    {
        public int Reads { get; private set; }
        public ModelDescription Description => inner.Description;
        public IReadOnlyList<ModuleInfo> Modules => inner.Modules;
        public IParameterStore Parameters => this;
        public ITokenizer Tokenizer => inner.Tokenizer;
        public IReadOnlyList<ParameterInfo> All => inner.Parameters.All;

        public bool TryGet(string name, out ParameterInfo info) => inner.Parameters.TryGet(name, out info);

        public Span<float> GetSpan(string name)
        {
            if (++Reads == afterReads)
            {
                cancellation.Cancel();
            }
            return inner.Parameters.GetSpan(name);
        }

        public void Forward(IReadOnlyList<ReadOnlyMemory<int>> windows, IWindowSink? sink, IActivationTap? taps = null,
            CancellationToken cancellationToken = default) => inner.Forward(windows, sink, taps, cancellationToken);

        public IModelSnapshot Snapshot() => inner.Snapshot();
        public void Restore(IModelSnapshot snapshot) => inner.Restore(snapshot);
        public void Dispose()
        {
        }
    }
}
