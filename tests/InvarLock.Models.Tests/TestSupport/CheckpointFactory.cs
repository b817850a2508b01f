using System.Buffers.Binary;
using InvarLock.Models.Generation;
using InvarLock.Models.Safetensors;

namespace InvarLock.Models.Tests.TestSupport;

/// <summary>Tiny GPT-2 checkpoints for tests, and broken or edited variants of them.
/// <para>Every method writes a new folder <c>parent/name</c> and returns its path. The pristine checkpoint of each
/// <see cref="TinyGpt2Options"/> is generated once per process and copied, so tests stay fast.</para></summary>
/// <remarks>Depends only on InvarLock.Models and the SDK, so other test projects can link this file
/// (with <c>TempFolder.cs</c>).</remarks>
internal static class CheckpointFactory
{
    /// <summary>Options for the default test checkpoint: <see cref="TinyGpt2Generator.Demo"/>.</summary>
    public static TinyGpt2Options DefaultOptions => TinyGpt2Generator.Demo;

    private static readonly Dictionary<TinyGpt2Options, string> Templates = [];
    private static readonly Lock TemplatesLock = new();
    private static readonly string TemplateRoot =
        Path.Combine(Path.GetTempPath(), $"invarlock-checkpoints-{Environment.ProcessId}-{Guid.NewGuid():N}");

    static CheckpointFactory()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                if (Directory.Exists(TemplateRoot))
                {
                    Directory.Delete(TemplateRoot, recursive: true);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
    }

    /// <summary>A fresh copy of the tiny checkpoint for <paramref name="options"/> (default: <see cref="DefaultOptions"/>).</summary>
    public static string CreateTiny(string parent, string name = "baseline", TinyGpt2Options? options = null) =>
        CopyFolder(Template(options ?? DefaultOptions), Path.Combine(parent, name));

    /// <summary>A byte-for-byte copy of <paramref name="source"/>.</summary>
    public static string CopyBitIdentical(string source, string parent, string name) =>
        CopyFolder(source, Path.Combine(parent, name));

    /// <summary>A copy whose weights are all multiplied by <paramref name="factor"/> (or only those whose name
    /// <paramref name="select"/> accepts). Written as F32.</summary>
    public static string ScaleWeights(string source, string parent, string name, float factor, Func<string, bool>? select = null) =>
        RewriteWeights(source, parent, name, (tensorName, data) =>
        {
            if (select is null || select(tensorName))
            {
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] *= factor;
                }
            }
        });

    /// <summary>A copy with element <paramref name="index"/> of tensor <paramref name="tensorName"/> set to NaN.</summary>
    public static string InjectNaN(string source, string parent, string name, string tensorName = "transformer.h.0.mlp.c_fc.weight",
        int index = 0)
    {
        bool found = false;
        string folder = RewriteWeights(source, parent, name, (n, data) =>
        {
            if (n == tensorName)
            {
                data[index] = float.NaN;
                found = true;
            }
        });
        return found ? folder : throw new ArgumentException($"no tensor named '{tensorName}'", nameof(tensorName));
    }

    /// <summary>A copy whose model.safetensors is cut to <paramref name="keepBytes"/> bytes (default: half its length).</summary>
    public static string TruncateSafetensors(string source, string parent, string name, long keepBytes = -1)
    {
        string folder = CopyFolder(source, Path.Combine(parent, name));
        string weights = Path.Combine(folder, SafetensorsCheckpoint.SingleFileName);
        using var stream = new FileStream(weights, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(keepBytes >= 0 ? keepBytes : stream.Length / 2);
        return folder;
    }

    /// <summary>A copy whose model.safetensors header has its first tensor's dtype replaced by an unknown one
    /// (lengths unchanged, so only header validation can notice).</summary>
    public static string CorruptHeader(string source, string parent, string name)
    {
        string folder = CopyFolder(source, Path.Combine(parent, name));
        string weights = Path.Combine(folder, SafetensorsCheckpoint.SingleFileName);
        byte[] bytes = File.ReadAllBytes(weights);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        ReadOnlySpan<byte> pattern = "\"dtype\":\"F32\""u8;
        int at = bytes.AsSpan(8, headerLength).IndexOf(pattern);
        if (at < 0)
        {
            throw new InvalidOperationException("no F32 dtype in the header");
        }
        "\"dtype\":\"Q32\""u8.CopyTo(bytes.AsSpan(8 + at));
        File.WriteAllBytes(weights, bytes);
        return folder;
    }

    /// <summary>A copy whose config.json is not JSON.</summary>
    public static string BreakConfigJson(string source, string parent, string name)
    {
        string folder = CopyFolder(source, Path.Combine(parent, name));
        File.WriteAllText(Path.Combine(folder, "config.json"), "{ \"model_type\": \"gpt2\", n_layer: 2,");
        return folder;
    }

    /// <summary>A copy without tokenizer.json, vocab.json and merges.txt.</summary>
    public static string RemoveTokenizerFiles(string source, string parent, string name)
    {
        string folder = CopyFolder(source, Path.Combine(parent, name));
        foreach (string file in new[] { "tokenizer.json", "vocab.json", "merges.txt" })
        {
            File.Delete(Path.Combine(folder, file));
        }
        return folder;
    }

    /// <summary>A copy whose weights pass through <paramref name="edit"/> (tensor name, float32 data edited in place).</summary>
    public static string RewriteWeights(string source, string parent, string name, Action<string, float[]> edit)
    {
        string folder = CopyFolder(source, Path.Combine(parent, name));
        string weights = Path.Combine(folder, SafetensorsCheckpoint.SingleFileName);
        var tensors = new List<SafetensorsTensor>();
        Dictionary<string, string> metadata;
        using (SafetensorsFile file = SafetensorsFile.Open(weights))
        {
            metadata = new Dictionary<string, string>(file.Metadata);
            foreach (SafetensorsEntry entry in file.Entries)
            {
                float[] data = file.ReadFloat32(entry.Name);
                edit(entry.Name, data);
                int[] shape = new int[entry.Shape.Count];
                for (int i = 0; i < shape.Length; i++)
                {
                    shape[i] = checked((int)entry.Shape[i]);
                }
                tensors.Add(new SafetensorsTensor(entry.Name, shape, data));
            }
        }
        SafetensorsWriter.Write(weights, tensors, metadata);
        return folder;
    }

    private static string Template(TinyGpt2Options options)
    {
        lock (TemplatesLock)
        {
            if (!Templates.TryGetValue(options, out string? folder))
            {
                folder = Path.Combine(TemplateRoot, $"t{Templates.Count}");
                TinyGpt2Generator.Generate(folder, options);
                Templates.Add(options, folder);
            }
            return folder;
        }
    }

    private static string CopyFolder(string source, string target)
    {
        if (Directory.Exists(target) || File.Exists(target))
        {
            throw new IOException($"{target} already exists");
        }
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }
}
