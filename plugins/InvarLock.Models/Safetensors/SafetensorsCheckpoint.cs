using System.Text.Json;
using System.Text.Unicode;
using InvarLock.Models.Weights;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Models.Safetensors;

/// <summary>Loads the weights of a Hugging Face model folder: <c>model.safetensors</c>, or the shards listed by
/// <c>model.safetensors.index.json</c>. Pickle checkpoints (<c>pytorch_model.bin</c>, <c>*.pt</c>) are never read.</summary>
public static class SafetensorsCheckpoint
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The shard index name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    /// <summary>The largest index file accepted.</summary>
    private const long MaxIndexBytes = 64L * 1024 * 1024;

    private static readonly string[] PickleNames =
        ["pytorch_model.bin", "pytorch_model.bin.index.json", "model.pt", "model.pth", "model.ckpt"];

    /// <summary>Opens every tensor of the folder in its stored form: F32, F16 and BF16 tensors stay memory-mapped (nothing
    /// is copied until a tensor is written), F64 is converted to float32. Dispose the store to unmap the files.</summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="mapName">Optional renaming: returns the name to store a tensor under, or null to skip it
    /// (skipped tensors are never converted). Two tensors mapped to the same name are an error.</param>
    /// <param name="rejectName">Optional check of each kept (mapped) name: returns why the architecture does not
    /// expect that tensor, or null when it does. A rejected tensor is a <see cref="ErrorCodes.ShapeMismatch"/> error
    /// naming the file and the tensor.</param>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> when no safetensors weights exist;
    /// <see cref="ErrorCodes.MalformedSafetensors"/> for a malformed file or index; <see cref="ErrorCodes.ShapeMismatch"/>
    /// for a tensor <paramref name="rejectName"/> refuses.</exception>
    public static TensorStore Load(string folder, Func<string, string?>? mapName = null, Func<string, string?>? rejectName = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var store = new TensorStore();
        try
        {
            var origin = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (shardPath, expected) in ResolveFiles(folder))
            {
                SafetensorsFile file = SafetensorsFile.Open(shardPath);
                store.KeepAlive(file);
                if (expected is not null)
                {
                    CheckShardAgainstIndex(folder, file, expected);
                }
                foreach (SafetensorsEntry entry in file.Entries)
                {
                    string? target = mapName is null ? entry.Name : mapName(entry.Name);
                    if (target is null)
                    {
                        continue;
                    }
                    if (rejectName?.Invoke(target) is { } problem)
                    {
                        throw new InvarLockException(ErrorCodes.ShapeMismatch, $"{shardPath}: tensor '{entry.Name}' {problem}");
                    }
                    if (!origin.TryAdd(target, entry.Name))
                    {
                        throw SafetensorsHeader.Malformed(shardPath,
                            $"tensor '{entry.Name}' is stored as '{target}', which tensor '{origin[target]}' already provides");
                    }
                    int[] shape = new int[entry.Shape.Count];
                    for (int i = 0; i < shape.Length; i++)
                    {
                        if (entry.Shape[i] > int.MaxValue)
                        {
                            throw SafetensorsHeader.Malformed(shardPath, $"tensor '{entry.Name}' has a dimension above {int.MaxValue}");
                        }
                        shape[i] = (int)entry.Shape[i];
                    }
                    file.AddTo(store, target, shape, entry);
                }
            }
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The weight files of <paramref name="folder"/> with, for shards, the tensor names the index assigns to each.</summary>
    internal static List<(string Path, HashSet<string>? Expected)> ResolveFiles(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{folder}: model folder not found");
        }
        string index = Path.Combine(folder, IndexFileName);
        if (Path.Exists(index))
        {
            return ReadIndex(folder, index);
        }
        string single = Path.Combine(folder, SingleFileName);
        if (Path.Exists(single))
        {
            InputFile.RequireRegular(single, ErrorCodes.MalformedSafetensors, "safetensors file");
            return [(single, null)];
        }
        foreach (string pickle in PickleNames)
        {
            if (File.Exists(Path.Combine(folder, pickle)))
            {
                throw new InvarLockException(ErrorCodes.MissingFile,
                    $"{single}: not found; the folder holds {pickle}, a pickle checkpoint, which is never read " +
                    "(pickle can run code); convert it to safetensors");
            }
        }
        throw new InvarLockException(ErrorCodes.MissingFile, $"{single}: not found (and no {IndexFileName})");
    }

    private static List<(string, HashSet<string>?)> ReadIndex(string folder, string indexPath)
    {
        byte[] bytes = InputFile.ReadAllBytes(indexPath, MaxIndexBytes, ErrorCodes.MalformedSafetensors, "shard index");
        if (!Utf8.IsValid(bytes))
        {
            // JsonDocument accepts invalid UTF-8 inside strings and only fails when a string is read.
            throw SafetensorsHeader.Malformed(indexPath, "index is not valid UTF-8");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw SafetensorsHeader.Malformed(indexPath, $"index is not valid JSON ({e.Message.Split('\n')[0].TrimEnd('\r')})");
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("weight_map", out JsonElement map) || map.ValueKind != JsonValueKind.Object)
            {
                throw SafetensorsHeader.Malformed(indexPath, "index has no weight_map object");
            }
            var shards = new SortedDictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty item in map.EnumerateObject())
            {
                if (!seen.Add(item.Name))
                {
                    throw SafetensorsHeader.Malformed(indexPath, $"weight_map names tensor '{item.Name}' twice");
                }
                if (item.Value.ValueKind != JsonValueKind.String)
                {
                    throw SafetensorsHeader.Malformed(indexPath, $"weight_map entry '{item.Name}' is not a file name");
                }
                string shard = item.Value.GetString()!;
                if (!IsPlainFileName(shard) || !shard.EndsWith(".safetensors", StringComparison.Ordinal))
                {
                    throw SafetensorsHeader.Malformed(indexPath,
                        $"weight_map entry '{item.Name}' points to '{shard}', not a .safetensors file in the model folder");
                }
                if (!shards.TryGetValue(shard, out HashSet<string>? names))
                {
                    names = new HashSet<string>(StringComparer.Ordinal);
                    shards.Add(shard, names);
                }
                names.Add(item.Name);
            }
            if (shards.Count == 0)
            {
                throw SafetensorsHeader.Malformed(indexPath, "weight_map is empty");
            }
            var files = new List<(string, HashSet<string>?)>(shards.Count);
            foreach (var (shard, names) in shards)
            {
                string shardPath = Path.Combine(folder, shard);
                if (!Path.Exists(shardPath))
                {
                    throw new InvarLockException(ErrorCodes.MissingFile, $"{shardPath}: shard listed in {IndexFileName} not found");
                }
                InputFile.RequireRegular(shardPath, ErrorCodes.MalformedSafetensors, "safetensors shard");
                files.Add((shardPath, names));
            }
            return files;
        }
    }

    private static void CheckShardAgainstIndex(string folder, SafetensorsFile file, HashSet<string> expected)
    {
        string indexPath = Path.Combine(folder, IndexFileName);
        foreach (SafetensorsEntry entry in file.Entries)
        {
            if (!expected.Contains(entry.Name))
            {
                throw SafetensorsHeader.Malformed(file.Path,
                    $"tensor '{entry.Name}' is not assigned to this shard by {indexPath} (a tensor in two shards, or missing from weight_map)");
            }
        }
        if (file.Entries.Count != expected.Count)
        {
            foreach (string name in expected)
            {
                if (!file.TryGetEntry(name, out _))
                {
                    throw SafetensorsHeader.Malformed(file.Path, $"tensor '{name}' listed for this shard in {indexPath} is missing");
                }
            }
        }
    }

    private static bool IsPlainFileName(string name) =>
        name.Length > 0 && name != "." && name != ".." && name.IndexOfAny(['/', '\\', ':', '\0']) < 0
        && !Path.IsPathRooted(name);
}
