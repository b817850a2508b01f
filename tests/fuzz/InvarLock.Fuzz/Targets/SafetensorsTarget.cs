using InvarLock.Models.Safetensors;

namespace InvarLock.Fuzz.Targets;

/// <summary>A whole <c>.safetensors</c> file: header length, JSON header, dtypes, shapes, offsets; then every tensor is
/// read back (memory-mapped) as float32, as the hf_causal adapter does when it loads weights.</summary>
internal sealed class SafetensorsTarget : IFuzzTarget
{
    /// <summary>Tensors above this many elements are not converted (the fuzzed files are small; this bounds the work per input).</summary>
    private const long MaxConvertedElements = 1 << 20;

    /// <summary>The target's name (a constant, so listing targets runs no instrumented code).</summary>
    public const string TargetName = "safetensors";

    public string Name => TargetName;

    public void Run(byte[] input)
    {
        string path = Path.Combine(FuzzWorkspace.CleanFolder(Name), SafetensorsCheckpoint.SingleFileName);
        File.WriteAllBytes(path, input);
        using SafetensorsFile file = SafetensorsFile.Open(path);
        foreach (SafetensorsEntry entry in file.Entries)
        {
            if (entry.ElementCount <= MaxConvertedElements)
            {
                _ = file.ReadFloat32(entry.Name);
            }
        }
    }

    public void WriteSeeds(string folder)
    {
        // The smallest family's checkpoint is tens of KiB; the seeds are hand-sized files in every dtype instead.
        SafetensorsWriter.Write(Path.Combine(folder, "f32-two-tensors.safetensors"),
            [new SafetensorsTensor("a.weight", [2, 3], [1, 2, 3, 4, 5, 6]), new SafetensorsTensor("b.bias", [3], [0.5f, -1, 2])],
            new Dictionary<string, string> { ["format"] = "pt" });
        SafetensorsWriter.Write(Path.Combine(folder, "scalar-and-empty.safetensors"),
            [new SafetensorsTensor("s", [], [7]), new SafetensorsTensor("e", [0, 4], [])], null);
        File.WriteAllBytes(Path.Combine(folder, "f16-bf16-f64.safetensors"), HandWritten(
            """{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]},"d":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"__metadata__":{"format":"pt"}}""",
            [0x00, 0x3C, 0x00, 0xC0, 0x80, 0x3F, 0x00, 0x40, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F]));
        File.WriteAllBytes(Path.Combine(folder, "int-dtypes.safetensors"), HandWritten(
            """{"i":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},"u":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}""",
            [1, 0, 0, 0, 9, 9]));
    }

    private static byte[] HandWritten(string header, byte[] data)
    {
        byte[] json = System.Text.Encoding.UTF8.GetBytes(header);
        byte[] file = new byte[8 + json.Length + data.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }
}
