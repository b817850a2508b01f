namespace InvarLock.Core.Pipeline;

/// <summary>What the report records about a model.</summary>
/// <param name="Path">The folder it was loaded from (full path), or a description for an edited copy.</param>
/// <param name="Adapter">The adapter that loaded it.</param>
/// <param name="Architecture">For example <c>gpt2</c>.</param>
/// <param name="ParameterCount">Scalar parameters, tied tensors counted once.</param>
/// <param name="WeightsSha256">SHA-256 over every parameter in name order: name (UTF-8), NUL, shape as int32 LE, float32 LE bytes.</param>
/// <param name="ConfigSha256">SHA-256 of the config.json bytes (null when there is none).</param>
/// <param name="TokenizerSha256">The tokenizer's definition digest.</param>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="VocabSize">Vocabulary size.</param>
/// <param name="StoredDType">Element type of the stored weights (<c>F32</c>, <c>F16</c>, <c>BF16</c>, <c>mixed</c>); null when unknown.</param>
public sealed record ModelFacts(string Path, string Adapter, string Architecture, long ParameterCount, string WeightsSha256,
    string? ConfigSha256, string TokenizerSha256, int Layers, int VocabSize, string? StoredDType = null)
{
    /// <summary>The facts of <paramref name="model"/>, loaded by <paramref name="adapter"/> from <paramref name="folder"/>.</summary>
    internal static ModelFacts Of(Sdk.Models.IModel model, string folder, Sdk.Models.IModelAdapter adapter, string displayPath) =>
        new(displayPath, adapter.Descriptor.Name, model.Description.Architecture, model.Description.ParameterCount,
            ModelDigests.Weights(model.Parameters), ModelDigests.ConfigFile(folder), model.Tokenizer.Info.Sha256,
            model.Description.Layers, model.Description.VocabSize, model.Description.StoredDType);
}
