using InvarLock.Models.Safetensors;
using InvarLock.Models.Weights;

namespace InvarLock.Fuzz.Targets;

/// <summary><c>model.safetensors.index.json</c> over two fixed, valid shards: the index is resolved, its shard names checked
/// (no path escapes) and each shard checked against it, through <see cref="SafetensorsCheckpoint.Load"/>.</summary>
internal sealed class SafetensorsIndexTarget : IFuzzTarget
{
    private const string FirstShard = "model-00001-of-00002.safetensors";
    private const string SecondShard = "model-00002-of-00002.safetensors";

    /// <summary>The target's name (a constant, so listing targets runs no instrumented code).</summary>
    public const string TargetName = "safetensors-index";

    public string Name => TargetName;

    public void Run(byte[] input)
    {
        string folder = FuzzWorkspace.CleanFolder(Name);
        WriteShards(folder);
        File.WriteAllBytes(Path.Combine(folder, SafetensorsCheckpoint.IndexFileName), input);
        using TensorStore store = SafetensorsCheckpoint.Load(folder);
    }

    public void WriteSeeds(string folder)
    {
        File.WriteAllText(Path.Combine(folder, "two-shards.json"),
            $$$"""{"metadata":{"total_size":40},"weight_map":{"a.weight":"{{{FirstShard}}}","b.bias":"{{{SecondShard}}}","c":"{{{SecondShard}}}"}}""");
        File.WriteAllText(Path.Combine(folder, "one-shard-listed.json"),
            $$$"""{"weight_map":{"a.weight":"{{{FirstShard}}}"}}""");
        File.WriteAllText(Path.Combine(folder, "escaping-name.json"),
            """{"metadata":{},"weight_map":{"a.weight":"../model-00001-of-00002.safetensors"}}""");
    }

    private static void WriteShards(string folder)
    {
        SafetensorsWriter.Write(Path.Combine(folder, FirstShard), [new SafetensorsTensor("a.weight", [2, 3], [1, 2, 3, 4, 5, 6])], null);
        SafetensorsWriter.Write(Path.Combine(folder, SecondShard),
            [new SafetensorsTensor("b.bias", [3], [0.5f, -1, 2]), new SafetensorsTensor("c", [1], [3])], null);
    }
}
