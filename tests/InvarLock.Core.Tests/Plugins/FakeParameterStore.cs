using InvarLock.Sdk.Models;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Parameters held in arrays, for guards under test.</summary>
internal sealed class FakeParameterStore : IParameterStore
{
    private readonly SortedDictionary<string, (ParameterInfo Info, float[] Data)> _map = new(StringComparer.Ordinal);

    public FakeParameterStore Add(string name, int[] shape, float[] data)
    {
        _map[name] = (new ParameterInfo(name, shape), data);
        return this;
    }

    public IReadOnlyList<ParameterInfo> All => _map.Values.Select(v => v.Info).ToList();

    public bool TryGet(string name, out ParameterInfo info)
    {
        bool found = _map.TryGetValue(name, out (ParameterInfo Info, float[] Data) v);
        info = v.Info!;
        return found;
    }

    public Span<float> GetSpan(string name) =>
        _map.TryGetValue(name, out (ParameterInfo Info, float[] Data) v) ? v.Data : throw new KeyNotFoundException(name);

    /// <summary>A 2-layer toy model's weights: deterministic values from a fixed seed; <paramref name="scale"/>
    /// multiplies the second layer's weight.</summary>
    public static FakeParameterStore Toy(float scale = 1f)
    {
        var rng = new Random(1234);
        float[] Make(int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        float[] w0 = Make(16 * 8), w1 = Make(8 * 4), b0 = Make(8);
        for (int i = 0; i < w1.Length; i++)
        {
            w1[i] *= scale;
        }
        return new FakeParameterStore()
            .Add("layers.0.weight", [16, 8], w0)
            .Add("layers.0.bias", [8], b0)
            .Add("layers.1.weight", [8, 4], w1);
    }
}
