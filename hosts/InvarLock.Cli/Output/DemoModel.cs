using InvarLock.Models.Generation;

namespace InvarLock.Cli;

/// <summary>The built-in demo checkpoint: a tiny GPT-2 generated deterministically (no download).</summary>
internal static class DemoModel
{
    /// <summary>Generates the demo checkpoint into <c>OUT/demo-model</c> (regenerated each time; it takes well under a second)
    /// and returns the folder.</summary>
    public static string Ensure(string outDir)
    {
        string folder = Path.Combine(outDir, "demo-model");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        TinyGpt2Generator.Generate(folder, TinyGpt2Generator.Demo);
        return folder;
    }
}
