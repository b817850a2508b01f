using InvarLock.Models.Generation;
using InvarLock.Sdk.Errors;

namespace InvarLock.Cli;

/// <summary>The built-in demo checkpoints: tiny models generated deterministically (no download), GPT-2 by default or
/// any decoder family the engine supports, or a masked LM (<c>bert</c>, <c>roberta</c>).</summary>
internal static class DemoModel
{
    /// <summary>Generates the demo checkpoint of <paramref name="family"/> (null: gpt2) into <c>OUT/demo-model</c>
    /// (regenerated each time; it takes about a second) and returns the folder.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.Usage"/> for a family that has no demo.</exception>
    public static string Ensure(string outDir, string? family = null)
    {
        TinyDecoderOptions? options = null;
        TinyEncoderFamily? encoder = family?.ToLowerInvariant() switch
        {
            "bert" => TinyEncoderFamily.Bert,
            "roberta" => TinyEncoderFamily.Roberta,
            _ => null,
        };
        if (family is not null && encoder is null && !string.Equals(family, "gpt2", StringComparison.OrdinalIgnoreCase)
            && !TinyDecoderPresets.TryGetDemo(family, out options))
        {
            throw new InvarLockException(ErrorCodes.Usage,
                $"--demo {family}: no such demo model (choose one of {string.Join(", ", TinyDecoderPresets.FamilyNames)}, bert, roberta)");
        }
        string folder = Path.Combine(outDir, "demo-model");
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        if (encoder is { } encoderFamily)
        {
            TinyEncoderGenerator.Generate(folder, TinyEncoderGenerator.Demo with { Family = encoderFamily, LinearScale = 3 });
        }
        else if (options is null)
        {
            TinyGpt2Generator.Generate(folder, TinyGpt2Generator.Demo);
        }
        else
        {
            TinyDecoderGenerator.Generate(folder, options);
        }
        return folder;
    }
}
