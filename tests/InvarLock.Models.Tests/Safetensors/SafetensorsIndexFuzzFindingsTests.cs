using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tests.Safetensors;

/// <summary>Regression tests for the fuzzing findings in the shard index reader (docs/security/fuzzing.md).</summary>
public sealed class SafetensorsIndexFuzzFindingsTests : IDisposable
{
    private readonly TempFolder _temp = new("st-index-fuzz");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_IndexWithInvalidUtf8InShardName_MalformedSafetensorsNamingTheIndex()
    {
        // Found by afl-fuzz: JsonDocument accepts the bytes and GetString threw InvalidOperationException (a stack trace).
        string folder = Directory.CreateDirectory(_temp.Combine("bad-utf8")).FullName;
        SafetensorsWriter.Write(Path.Combine(folder, "model-00001-of-00001.safetensors"), [new SafetensorsTensor("a", [1], [1f])]);
        string index = Path.Combine(folder, SafetensorsCheckpoint.IndexFileName);
        File.WriteAllBytes(index, [.. "{\"weight_map\":{\"a\":\"model-"u8, 0xC3, 0x28, .. "0001.safetensors\"}}"u8]);

        var error = Assert.Throws<InvarLockException>(() => SafetensorsCheckpoint.Load(folder));

        Assert.Equal(ErrorCodes.MalformedSafetensors, error.Code);
        Assert.Equal($"{index}: index is not valid UTF-8", error.Message);
    }
}
