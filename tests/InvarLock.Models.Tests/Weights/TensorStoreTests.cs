using InvarLock.Compute;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Tests.Weights;

public sealed class TensorStoreTests : IDisposable
{
    private readonly TempFolder _temp = new("tensor-store");

    public void Dispose() => _temp.Dispose();

    private static ushort[] Bf16(params float[] values) => Array.ConvertAll(values, HalfConversions.ToBFloat16Bits);

    [Fact]
    public void Read_HalfTensor_WidensWithoutBecomingFloat32()
    {
        using var store = new TensorStore();
        store.Add("w", [2, 2], Bf16(1f, -2f, 0.5f, 3f), HalfFormat.BFloat16);
        var buffer = new float[2];

        store.Read("w", 1, buffer);

        Assert.Equal([-2f, 0.5f], buffer);
        Assert.True(store.IsHalf("w"));
        Assert.Equal("BF16", store.HeldDType());
    }

    [Fact]
    public void Write_HalfTensor_RoundsToTheStoredFormatAndStaysHalf()
    {
        using var store = new TensorStore();
        store.Add("w", [3], Bf16(0f, 0f, 0f), HalfFormat.BFloat16);

        store.Write("w", 1, [1.00390625f, 3f]); // 1 + 2^-8 is halfway between two bfloat16 values: ties to even (1)
        var back = new float[3];
        store.Read("w", 0, back);

        Assert.Equal([0f, 1f, 3f], back);
        Assert.True(store.IsHalf("w"));
    }

    [Fact]
    public void GetSpan_HalfTensor_GivesAFloat32CopyTheStoreThenHolds()
    {
        using var store = new TensorStore();
        store.Add("w", [2], Bf16(1.5f, 2f), HalfFormat.BFloat16);

        store.GetSpan("w")[0] = 1.25f;
        store.GetSpan("w")[1] = 2.001f; // not a bfloat16 value: kept exactly because the tensor is now float32

        Assert.False(store.IsHalf("w"));
        Assert.Equal([1.25f, 2.001f], store.GetArray("w"));
        Assert.Equal("F32", store.HeldDType());
    }

    [Fact]
    public void Restore_AfterWritesToSomeTensors_PutsEveryTensorBackWithoutTouchingTheSnapshotBuffers()
    {
        using var store = new TensorStore();
        float[] a = [1f, 2f];
        float[] b = [3f, 4f];
        store.Add("a", [2], a);
        store.Add("b", [2], b);
        store.Add("h", [2], Bf16(5f, 6f), HalfFormat.BFloat16);

        using IModelSnapshot snapshot = store.Snapshot();
        store.GetSpan("a")[0] = 10f;
        store.Write("h", 0, [7f]);

        Assert.Equal([1f, 2f], a);                          // the snapshot's buffer was not written: a copy was
        Assert.Equal(10f, store.GetArray("a")[0]);
        store.Restore(snapshot);
        Assert.Equal([1f, 2f], store.GetArray("a"));
        var h = new float[2];
        store.Read("h", 0, h);
        Assert.Equal([5f, 6f], h);
        Assert.Equal(6, snapshot.ElementCount);
        store.GetSpan("a")[1] = 20f;                          // a write after the restore copies again
        store.Restore(snapshot);
        Assert.Equal([1f, 2f], store.GetArray("a"));
    }

    [Fact]
    public void Restore_DisposedSnapshot_Throws()
    {
        using var store = new TensorStore();
        store.Add("a", [1], [1f]);
        IModelSnapshot snapshot = store.Snapshot();
        snapshot.Dispose();
        Assert.Throws<ObjectDisposedException>(() => store.Restore(snapshot));
    }

    [Theory]
    [InlineData(SafetensorsDType.F16)]
    [InlineData(SafetensorsDType.BF16)]
    [InlineData(SafetensorsDType.F32)]
    public void Load_SafetensorsFolder_KeepsTheStoredTypeAndValues(SafetensorsDType dtype)
    {
        string folder = _temp.Combine(dtype.ToString());
        Directory.CreateDirectory(folder);
        float[] values = [0.5f, -1.25f, 3f, 0.125f, -8f, 2f];
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName),
            [new SafetensorsTensor("w", [2, 3], values)], null, dtype);

        using TensorStore store = SafetensorsCheckpoint.Load(folder);
        var back = new float[6];
        store.Read("w", 0, back);

        Assert.Equal(values, back);
        Assert.Equal(dtype != SafetensorsDType.F32, store.IsHalf("w"));
        Assert.Equal(SafetensorsDTypes.ToHeaderName(dtype), store.HeldDType());
        store.Write("w", 0, [1f]);                            // a mapped tensor gets its own copy to write
        store.Read("w", 0, back.AsSpan(0, 1));
        Assert.Equal(1f, back[0]);
    }
}
