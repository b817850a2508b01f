using InvarLock.Models.Gpt2;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tokenizers;
using InvarLock.Models.Weights;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.HuggingFace;

/// <summary>The <c>hf_causal</c> adapter: Hugging Face causal LM folders (config.json, safetensors weights,
/// byte-level BPE tokenizer). Supports <c>model_type</c> <c>gpt2</c>.</summary>
public sealed class HfCausalAdapter : IModelAdapter
{
    /// <summary>The adapter's registered name.</summary>
    public const string AdapterName = "hf_causal";

    /// <inheritdoc />
    public PluginDescriptor Descriptor { get; } = new(AdapterName, new Version(0, 1, 0),
        "Hugging Face causal LMs (GPT-2) from config.json + safetensors folders");

    /// <summary>Reads only config.json. A config that asks for custom code is reported as not loadable unless
    /// <see cref="RemoteCodePolicy.EnvironmentVariable"/> allows it.</summary>
    public ModelProbe Describe(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        HfConfig config;
        try
        {
            config = HfConfig.Read(modelPath);
        }
        catch (InvarLockException e)
        {
            return ModelProbe.Unsupported(e.Message);
        }
        if (!RemoteCodePolicy.IsAllowedByEnvironment())
        {
            try
            {
                RemoteCodePolicy.EnsureFolderAllowed(modelPath, allowRemoteCodeConfig: false);
            }
            catch (InvarLockException e)
            {
                return ModelProbe.Unsupported(e.Message);
            }
        }
        if (config.ModelType != "gpt2")
        {
            return ModelProbe.Unsupported($"{config.Path}: model_type '{config.ModelType}' is not supported by {AdapterName} (supported: gpt2)");
        }
        return ModelProbe.Supported(config.ModelType);
    }

    /// <inheritdoc />
    public IModel Load(string modelPath, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(options);
        HfConfig hfConfig = HfConfig.Read(modelPath);
        hfConfig.EnsureNoRemoteCode(options.AllowRemoteCodeConfig);
        RemoteCodePolicy.EnsureFolderAllowed(modelPath, options.AllowRemoteCodeConfig);
        Gpt2Config config = hfConfig.ToGpt2Config();
        HashSet<string> required = Gpt2Layout.RequiredNames(config);
        TensorStore weights = SafetensorsCheckpoint.Load(modelPath,
            name => Gpt2CheckpointNames.Normalize(name, config.TieWordEmbeddings),
            name => Gpt2Layout.UnexpectedTensorProblem(config, name, required));
        foreach (string name in required)
        {
            if (!weights.TryGet(name, out _))
            {
                throw new InvarLockException(ErrorCodes.ShapeMismatch,
                    $"{modelPath}: the weights have no tensor '{name}', which config.json (n_layer {config.NLayer}) requires");
            }
        }
        ITokenizer tokenizer = TokenizerLoader.Load(modelPath);
        return new Gpt2Model(config, weights, tokenizer, options.Threads);
    }
}
