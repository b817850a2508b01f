namespace InvarLock.Core.Reporting.Model;

/// <summary>A model's identity: where it came from and the digests of its weights, config and tokenizer.</summary>
public sealed record ModelSection(string Path, string Adapter, string Architecture, long ParameterCount, int Layers, int VocabSize,
    string WeightsSha256, string? ConfigSha256, string TokenizerSha256);
