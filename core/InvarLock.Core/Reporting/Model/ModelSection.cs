namespace InvarLock.Core.Reporting.Model;

/// <summary>A model's identity: where it came from and the digests of its weights, config and tokenizer.</summary>
/// <remarks><see cref="StoredDType"/> is the element type of the weights on disk (<c>F32</c>, <c>F16</c>, <c>BF16</c>,
/// or <c>mixed</c>); compute is float32 whatever is stored. Absent in reports written before it was recorded.</remarks>
public sealed record ModelSection(string Path, string Adapter, string Architecture, long ParameterCount, int Layers, int VocabSize,
    string WeightsSha256, string? ConfigSha256, string TokenizerSha256, [property: System.Text.Json.Serialization.JsonPropertyName("stored_dtype")] string? StoredDType = null);
