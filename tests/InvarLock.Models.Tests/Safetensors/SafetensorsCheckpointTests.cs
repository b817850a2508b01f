using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.Safetensors;

public sealed class SafetensorsCheckpointTests : IDisposable
{
    private readonly TempFolder _temp = new("st-checkpoint");

    public void Dispose() => _temp.Dispose();

    private string NewFolder(string name) => Directory.CreateDirectory(_temp.Combine(name)).FullName;

    private static void WriteIndex(string folder, string weightMapJson) =>
        File.WriteAllText(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName),
            "{\"metadata\":{\"total_size\":0},\"weight_map\":" + weightMapJson + "}");

    [Fact]
    public void Load_SingleFile_ReturnsEveryTensor()
    {
        string folder = NewFolder("single");
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"),
            [new SafetensorsTensor("a", [2], [1f, 2f]), new SafetensorsTensor("b", [1, 1], [3f])]);

        TensorStore store = SafetensorsCheckpoint.Load(folder);

        Assert.Equal(["a", "b"], store.All.Select(p => p.Name));
        Assert.Equal([1f, 2f], store.GetArray("a"));
        Assert.Equal([1, 1], store.All[1].Shape);
    }

    [Fact]
    public void Load_ShardedIndex_MergesShards()
    {
        string folder = NewFolder("sharded");
        SafetensorsWriter.Write(Path.Combine(folder, "model-00001-of-00002.safetensors"),
            [new SafetensorsTensor("a", [2], [1f, 2f]), new SafetensorsTensor("c", [1], [5f])]);
        SafetensorsWriter.Write(Path.Combine(folder, "model-00002-of-00002.safetensors"),
            [new SafetensorsTensor("b", [1], [3f])], dtype: SafetensorsDType.BF16);
        WriteIndex(folder, "{\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"," +
                           "\"c\":\"model-00001-of-00002.safetensors\"}");

        TensorStore store = SafetensorsCheckpoint.Load(folder);

        Assert.Equal(["a", "b", "c"], store.All.Select(p => p.Name));
        Assert.Equal([3f], store.GetArray("b"));
        Assert.Equal([5f], store.GetArray("c"));
    }

    [Fact]
    public void Load_TensorInTwoShards_IsRefused()
    {
        string folder = NewFolder("twice");
        SafetensorsWriter.Write(Path.Combine(folder, "s1.safetensors"), [new SafetensorsTensor("a", [1], [1f])]);
        SafetensorsWriter.Write(Path.Combine(folder, "s2.safetensors"),
            [new SafetensorsTensor("a", [1], [9f]), new SafetensorsTensor("b", [1], [2f])]);
        WriteIndex(folder, "{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}");

        var e = Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder));

        Assert.Equal(ErrorCodes.MalformedSafetensors, e.Code);
        Assert.StartsWith(Path.Combine(folder, "s2.safetensors") + ": ", e.Message);
        Assert.Contains("tensor 'a'", e.Message);
    }

    [Fact]
    public void Load_IndexNamesTensorTheShardLacks_IsRefused()
    {
        string folder = NewFolder("lacks");
        SafetensorsWriter.Write(Path.Combine(folder, "s1.safetensors"), [new SafetensorsTensor("a", [1], [1f])]);
        WriteIndex(folder, "{\"a\":\"s1.safetensors\",\"z\":\"s1.safetensors\"}");

        var e = Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder));

        Assert.Equal(ErrorCodes.MalformedSafetensors, e.Code);
        Assert.Contains("tensor 'z'", e.Message);
    }

    [Fact]
    public void Load_IndexWithMissingShard_ThrowsMissingFile()
    {
        string folder = NewFolder("missing-shard");
        WriteIndex(folder, "{\"a\":\"gone.safetensors\"}");
        var e = Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder));
        Assert.Equal(ErrorCodes.MissingFile, e.Code);
        Assert.Contains("gone.safetensors", e.Message);
    }

    [Theory]
    [InlineData("{\"a\":\"../outside.safetensors\"}", "not a .safetensors file in the model folder")]
    [InlineData("{\"a\":\"/etc/passwd\"}", "not a .safetensors file in the model folder")]
    [InlineData("{\"a\":\"weights.bin\"}", "not a .safetensors file in the model folder")]
    [InlineData("{\"a\":3}", "not a file name")]
    [InlineData("{}", "weight_map is empty")]
    [InlineData("[]", "no weight_map object")]
    public void Load_BadIndex_ThrowsMalformedSafetensors(string weightMap, string fragment)
    {
        string folder = NewFolder("bad-index");
        WriteIndex(folder, weightMap);
        var e = Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder));
        Assert.Equal(ErrorCodes.MalformedSafetensors, e.Code);
        Assert.StartsWith(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName) + ": ", e.Message);
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Load_IndexNotJson_ThrowsMalformedSafetensors()
    {
        string folder = NewFolder("index-not-json");
        File.WriteAllText(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), "{weight_map:");
        var e = Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder));
        Assert.Equal(ErrorCodes.MalformedSafetensors, e.Code);
        Assert.Contains("not valid JSON", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Load_OnlyPickleCheckpoint_SaysPickleIsNeverRead()
    {
        string folder = NewFolder("pickle");
        File.WriteAllBytes(Path.Combine(folder, "pytorch_model.bin"), [0x80, 0x02]);
        var e = Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder));
        Assert.Equal(ErrorCodes.MissingFile, e.Code);
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.Contains("pickle", e.Message);
        Assert.StartsWith(Path.Combine(folder, "model.safetensors"), e.Message);
    }

    [Fact]
    public void Load_EmptyFolderOrNoFolder_ThrowsMissingFile()
    {
        string folder = NewFolder("empty");
        Assert.Equal(ErrorCodes.MissingFile, Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder)).Code);
        Assert.Equal(ErrorCodes.MissingFile,
            Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(_temp.Combine("absent"))).Code);
    }

    [Fact]
    public void Load_WithNameMap_RenamesAndSkips_AndRefusesCollisions()
    {
        string folder = NewFolder("mapped");
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"),
            [new SafetensorsTensor("keep", [1], [1f]), new SafetensorsTensor("drop", [1], [2f])]);

        TensorStore store = SafetensorsCheckpoint.Load(folder, n => n == "drop" ? null : "x." + n);
        Assert.Equal(["x.keep"], store.All.Select(p => p.Name));

        var e = Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder, _ => "same"));
        Assert.Equal(ErrorCodes.MalformedSafetensors, e.Code);
        Assert.Contains("already provides", e.Message);
    }
}
