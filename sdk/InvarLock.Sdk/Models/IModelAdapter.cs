namespace InvarLock.Sdk.Models;

/// <summary>Recognises and loads model checkpoints of one family (for example Hugging Face causal LMs).</summary>
public interface IModelAdapter
{
    /// <summary>Name, version and description of the adapter (for example <c>hf_causal</c>).</summary>
    PluginDescriptor Descriptor { get; }

    /// <summary>Inspects <paramref name="modelPath"/> without loading weights and says whether this adapter can load it.
    /// The host calls it for both models before loading either, so an adapter should check here whatever is cheap to check
    /// (config, tokenizer files).</summary>
    /// <exception cref="Errors.InvarLockException">The folder is one this adapter handles, but a file in it is missing or
    /// malformed (the message names the file).</exception>
    ModelProbe Describe(string modelPath);

    /// <summary>Loads the checkpoint at <paramref name="modelPath"/>.</summary>
    /// <exception cref="Errors.InvarLockException">The folder or one of its files is missing or malformed.</exception>
    IModel Load(string modelPath, ModelLoadOptions options);
}
