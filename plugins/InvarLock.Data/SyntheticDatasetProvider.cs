using System.Security.Cryptography;
using System.Text;
using InvarLock.Data.Synthetic;
using InvarLock.Sdk;
using InvarLock.Sdk.Datasets;

namespace InvarLock.Data;

/// <summary>Deterministic generated English-like text (<see cref="SyntheticCorpus"/>) from the run's seed. Needs no files.</summary>
public sealed class SyntheticDatasetProvider : IDatasetProvider
{
    /// <summary>Text generated when the caller gives no size hint.</summary>
    public const int DefaultCharacters = 200_000;

    public PluginDescriptor Descriptor { get; } = new("synthetic", new Version(1, 0), "Deterministic generated text from a seed");

    public DatasetContent Load(DatasetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string text = SyntheticCorpus.Generate(spec.Seed, spec.MinCharacters > 0 ? spec.MinCharacters : DefaultCharacters);
        string sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return new DatasetContent([text], sha, $"synthetic(seed={spec.Seed}, chars={text.Length})");
    }
}
