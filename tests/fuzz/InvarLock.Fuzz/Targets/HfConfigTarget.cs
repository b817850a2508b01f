using InvarLock.Models.HuggingFace;
using InvarLock.Sdk.Models;

namespace InvarLock.Fuzz.Targets;

/// <summary><c>config.json</c> through the hf_causal adapter's <c>describe</c> and <c>load</c>, beside a real tiny
/// checkpoint: the first input byte picks the decoder family's folder (tokenizer and weights), the rest is config.json.
/// Covers the Hugging Face config reader, the remote-code checks and every decoder family's architecture reader.</summary>
internal sealed class HfConfigTarget : IFuzzTarget
{
    private readonly HfCausalAdapter _adapter = new();
    private readonly Lazy<string[]> _folders = new(() =>
    {
        var folders = new List<string>();
        foreach ((string family, string source) in SeedModels.All)
        {
            string folder = FuzzWorkspace.CleanFolder("config-" + family);
            foreach (string file in Directory.GetFiles(source))
            {
                if (Path.GetFileName(file) != HfConfig.FileName)
                {
                    File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
                }
            }
            folders.Add(folder);
        }
        return [.. folders];
    });

    /// <summary>The target's name (a constant, so listing targets runs no instrumented code).</summary>
    public const string TargetName = "config";

    public string Name => TargetName;

    public void Run(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }
        string folder = _folders.Value[input[0] % _folders.Value.Length];
        using (FileStream config = File.Create(Path.Combine(folder, HfConfig.FileName)))
        {
            config.Write(input, 1, input.Length - 1);
        }
        ModelProbe probe = _adapter.Describe(folder);
        if (probe.CanLoad)
        {
            using IModel model = _adapter.Load(folder, new ModelLoadOptions { Threads = 1 });
        }
    }

    public void WriteSeeds(string folder)
    {
        IReadOnlyList<(string Family, string Folder)> models = SeedModels.All;
        for (int i = 0; i < models.Count; i++)
        {
            byte[] config = File.ReadAllBytes(Path.Combine(models[i].Folder, HfConfig.FileName));
            File.WriteAllBytes(Path.Combine(folder, models[i].Family + ".bin"), [(byte)i, .. config]);
        }
    }
}
