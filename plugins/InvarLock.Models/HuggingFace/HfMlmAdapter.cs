using InvarLock.Models.Encoder;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tokenizers;
using InvarLock.Models.Weights;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.HuggingFace;

/// <summary>The <c>hf_mlm</c> adapter: Hugging Face masked-LM folders (config.json, safetensors weights, tokenizer.json)
/// of <c>model_type</c> bert or roberta, on the encoder engine; weights stay in their stored precision and are
/// memory-mapped. The tokenizer is the folder's tokenizer.json pipeline (WordPiece for BERT, byte-level BPE with
/// RobertaProcessing for RoBERTa); its mask token (<c>[MASK]</c>, <c>&lt;mask&gt;</c>) is required.</summary>
public sealed class HfMlmAdapter : IModelAdapter
{
    /// <summary>The adapter's registered name.</summary>
    public const string AdapterName = "hf_mlm";

    /// <inheritdoc />
    public PluginDescriptor Descriptor { get; } = new(AdapterName, new Version(0, 1, 0),
        "Hugging Face masked LMs (" + EncoderFamilies.SupportedList + ") from config.json + safetensors folders");

    /// <summary>Reads config.json and the tokenizer (no weights); reports custom-code markers as <c>hf_causal</c> does.</summary>
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
        if (!EncoderFamilies.TryGet(config.ModelType, out _))
        {
            return ModelProbe.Unsupported(
                $"{config.Path}: model_type '{config.ModelType}' is not supported by {AdapterName} (supported: {EncoderFamilies.SupportedList})");
        }
        _ = LoadTokenizer(modelPath);
        return RemoteCodePolicy.FindInFolder(modelPath) is { } marker
            ? ModelProbe.Supported(config.ModelType) with { RemoteCodeMarker = $"{marker.Path}: {marker.Marker}" }
            : ModelProbe.Supported(config.ModelType);
    }

    /// <inheritdoc />
    public IModel Load(string modelPath, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(options);
        HfConfig hfConfig = HfConfig.Read(modelPath);
        hfConfig.EnsureNoRemoteCode(options.AllowRemoteCodeConfig);
        RemoteCodePolicy.EnsureFolderAllowed(modelPath, options.AllowRemoteCodeConfig);
        if (!EncoderFamilies.TryGet(hfConfig.ModelType, out IEncoderFamily family))
        {
            throw new InvarLockException(ErrorCodes.UnsupportedModel,
                $"{hfConfig.Path}: model_type '{hfConfig.ModelType}' is not supported by {AdapterName} (supported: {EncoderFamilies.SupportedList})");
        }
        EncoderConfig config = family.ReadConfig(hfConfig);
        var layout = new EncoderLayout(config);
        TensorStore weights = SafetensorsCheckpoint.Load(modelPath, config.Names.Canonical, layout.UnexpectedTensorProblem);
        try
        {
            ITokenizer tokenizer = LoadTokenizer(modelPath);
            if (tokenizer.Info.VocabSize > config.Vocab)
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                    $"{Path.Combine(modelPath, "tokenizer.json")}: the tokenizer has {tokenizer.Info.VocabSize} ids, more than config.json's vocab_size {config.Vocab}");
            }
            return new EncoderModel(config, weights, tokenizer, options.Threads, modelPath);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>The folder's tokenizer, which must name a mask token.</summary>
    private static ITokenizer LoadTokenizer(string modelPath)
    {
        ITokenizer tokenizer = TokenizerLoader.Load(modelPath);
        if (tokenizer.Info.MaskTokenId is null)
        {
            throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                $"{Path.Combine(modelPath, "tokenizer.json")}: has no mask token ([MASK] or <mask>), which a masked LM needs");
        }
        return tokenizer;
    }
}
