using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using InvarLock.Core.Pipeline;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Pipeline;

public sealed class ModelDigestsTests
{
    /// <summary>A store that only answers <see cref="IParameterStore.Read"/>, as a half-precision store would without
    /// widening: <see cref="GetSpan"/> throws.</summary>
    private sealed class ReadOnlyStore(Dictionary<string, (int[] Shape, float[] Values)> tensors) : IParameterStore
    {
        public int Reads { get; private set; }

        public IReadOnlyList<ParameterInfo> All { get; } =
            [.. tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new ParameterInfo(kv.Key, kv.Value.Shape))];

        public bool TryGet(string name, out ParameterInfo info)
        {
            info = All.FirstOrDefault(p => p.Name == name)!;
            return info is not null;
        }

        public Span<float> GetSpan(string name) => throw new InvalidOperationException("GetSpan would widen " + name);

        public void Read(string name, long offset, Span<float> destination)
        {
            Reads++;
            tensors[name].Values.AsSpan((int)offset, destination.Length).CopyTo(destination);
        }
    }

    [Fact]
    public void Weights_LargeTensor_ReadInChunksAndHashesTheDocumentedBytes()
    {
        var rng = new Random(5);
        float[] big = [.. Enumerable.Range(0, 70_001).Select(_ => (float)rng.NextDouble() - 0.5f)];
        float[] small = [1f, -2f, 3.5f];
        var store = new ReadOnlyStore(new()
        {
            ["b.weight"] = ([7, 10_000], big[..70_000]),
            ["a.bias"] = ([3], small),
        });

        string digest = ModelDigests.Weights(store);

        // Independent statement of the recipe: name, NUL, rank, dims (int32 LE), values (float32 LE), names in ordinal order.
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach ((string name, int[] shape, float[] values) in new[] { ("a.bias", new[] { 3 }, small), ("b.weight", new[] { 7, 10_000 }, big[..70_000]) })
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name));
            sha.AppendData([0]);
            byte[] int32 = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(int32, shape.Length);
            sha.AppendData(int32);
            foreach (int d in shape)
            {
                BinaryPrimitives.WriteInt32LittleEndian(int32, d);
                sha.AppendData(int32);
            }
            sha.AppendData(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        Assert.Equal(Convert.ToHexStringLower(sha.GetHashAndReset()), digest);
        // 70 000 elements need two 65 536-element chunks; the bias one.
        Assert.Equal(3, store.Reads);
    }
}
