using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Models.Safetensors;

namespace InvarLock.Models.Tests.TestSupport;

/// <summary>Test-side surgery on a generated Hugging Face folder: read every tensor of model.safetensors as float32,
/// write a changed set back, edit config.json.</summary>
internal static class HfFolderEditor
{
    /// <summary>Every tensor of the folder's model.safetensors, widened to float32, in file order.</summary>
    internal static List<SafetensorsTensor> ReadTensors(string folder)
    {
        using SafetensorsFile file = SafetensorsFile.Open(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName));
        var tensors = new List<SafetensorsTensor>(file.Entries.Count);
        foreach (SafetensorsEntry entry in file.Entries)
        {
            tensors.Add(new SafetensorsTensor(entry.Name, entry.Shape.Select(d => (int)d).ToArray(), file.ReadFloat32(entry.Name)));
        }
        return tensors;
    }

    /// <summary>Replaces the folder's model.safetensors with <paramref name="tensors"/>.</summary>
    internal static void WriteTensors(string folder, IReadOnlyList<SafetensorsTensor> tensors,
        SafetensorsDType dtype = SafetensorsDType.F32) =>
        SafetensorsWriter.Write(Path.Combine(folder, SafetensorsCheckpoint.SingleFileName), tensors,
            new Dictionary<string, string> { ["format"] = "pt" }, dtype);

    /// <summary>Copies every file of <paramref name="source"/> into a new folder <paramref name="target"/>.</summary>
    internal static string Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }

    /// <summary>Rewrites config.json after <paramref name="edit"/> changes its root object.</summary>
    internal static void EditConfig(string folder, Action<JsonObject> edit)
    {
        string path = Path.Combine(folder, "config.json");
        JsonObject root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(root);
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    internal static SafetensorsTensor Get(this List<SafetensorsTensor> tensors, string name) =>
        tensors.Single(t => t.Name == name);
}
