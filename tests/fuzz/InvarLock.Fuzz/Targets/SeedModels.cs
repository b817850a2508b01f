using InvarLock.Models.Generation;

namespace InvarLock.Fuzz.Targets;

/// <summary>The tiny generated checkpoints (lib/InvarLock.Models.Generation) the harnesses start from: one folder per
/// decoder family, made once per process.</summary>
internal static class SeedModels
{
    private static readonly Lazy<IReadOnlyList<(string Family, string Folder)>> Folders = new(() =>
    {
        var list = new List<(string, string)>();
        foreach (string name in TinyDecoderPresets.FamilyNames)
        {
            if (!TinyDecoderPresets.TryGetDemo(name, out TinyDecoderOptions? options))
            {
                throw new InvalidOperationException($"no demo preset for decoder family '{name}'");
            }
            string folder = FuzzWorkspace.CleanFolder("seed-" + name);
            TinyDecoderGenerator.Generate(folder, options);
            list.Add((name, folder));
        }
        return list;
    });

    /// <summary>Every family's generated folder (config.json, tokenizer files, model.safetensors).</summary>
    public static IReadOnlyList<(string Family, string Folder)> All => Folders.Value;
}
