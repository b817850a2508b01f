using InvarLock.Models.Decoder;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tokenizers;
using InvarLock.Models.Weights;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.HuggingFace;

/// <summary>The <c>hf_causal</c> adapter: Hugging Face causal LM folders (config.json, safetensors weights, tokenizer).
/// Supports the <c>model_type</c>s of <see cref="SupportedModelTypes"/> on one decoder engine; weights stay in their
/// stored precision (F32, F16, BF16) and are memory-mapped. Writes edited models back as such folders
/// (<see cref="ICheckpointWriter"/>).</summary>
public sealed class HfCausalAdapter : IModelAdapter, ICheckpointWriter
{
    /// <summary>The adapter's registered name.</summary>
    public const string AdapterName = "hf_causal";

    /// <summary>The <c>__metadata__</c> key that marks weights written by <see cref="WriteCheckpoint"/>.</summary>
    public const string WrittenMetadataKey = "invarlock_written";

    /// <summary>The source files <see cref="WriteCheckpoint"/> copies byte for byte when present (config.json is
    /// required).</summary>
    public static IReadOnlyList<string> CopiedFileNames { get; } =
    [
        HfConfig.FileName, "tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json",
        "special_tokens_map.json", "generation_config.json", "added_tokens.json",
    ];

    /// <summary>The model types this adapter loads, comma-separated.</summary>
    public static string SupportedModelTypes => DecoderFamilies.SupportedList;

    /// <inheritdoc />
    public PluginDescriptor Descriptor { get; } = new(AdapterName, new Version(0, 2, 0),
        "Hugging Face causal LMs (" + DecoderFamilies.SupportedList + ") from config.json + safetensors folders");

    /// <summary>Reads config.json and the tokenizer (no weights). A config file that asks for custom code is reported in
    /// <see cref="ModelProbe.RemoteCodeMarker"/>; the host refuses it unless the run allows remote-code configs.</summary>
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
        if (!DecoderFamilies.TryGet(config.ModelType, out _))
        {
            return ModelProbe.Unsupported(
                $"{config.Path}: model_type '{config.ModelType}' is not supported by {AdapterName} (supported: {DecoderFamilies.SupportedList})");
        }
        // The folder is ours: its tokenizer is checked now (a missing or malformed one is an error naming the file), so a
        // broken tokenizer is reported before any model is loaded.
        _ = TokenizerLoader.Load(modelPath);
        // Custom-code markers are reported, not judged: the host decides with the run's own settings.
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
        (IDecoderFamily family, DecoderConfig config) = ReadArchitecture(hfConfig);
        var layout = new DecoderLayout(config);
        string head = config.Names.Weight(Sdk.Models.ModuleRole.OutputHead);
        TensorStore weights = SafetensorsCheckpoint.Load(modelPath,
            name => family.CanonicalName(name, config),
            name => config.TiedHead && name == head ? null : layout.UnexpectedTensorProblem(name));
        try
        {
            ITokenizer tokenizer = TokenizerLoader.Load(modelPath);
            return new DecoderModel(config, weights, tokenizer, options.Threads, modelPath);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>The family and architecture of a config.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.UnsupportedModel"/> naming the supported model types.</exception>
    private static (IDecoderFamily Family, DecoderConfig Config) ReadArchitecture(HfConfig hfConfig)
    {
        if (!DecoderFamilies.TryGet(hfConfig.ModelType, out IDecoderFamily family))
        {
            throw new InvarLockException(ErrorCodes.UnsupportedModel,
                $"{hfConfig.Path}: model_type '{hfConfig.ModelType}' is not supported (supported: {DecoderFamilies.SupportedList})");
        }
        return (family, family.ReadConfig(hfConfig));
    }

    /// <inheritdoc />
    /// <remarks>Writes <c>model.safetensors</c> (every parameter of <see cref="IModel.Parameters"/> under its Hugging Face
    /// name, in the model's own 16-bit format when every tensor is held in it and as F32 otherwise, metadata <c>format: pt</c> and <c>invarlock_written: true</c>; a tied head is not stored, as
    /// the loader expects) next to copies of the <see cref="CopiedFileNames"/> the source has. The folder is built in a
    /// hidden staging folder beside <paramref name="folder"/> and renamed into place at the end, so a failure or a
    /// cancellation leaves nothing there. Tensors are streamed one at a time: the extra memory is one tensor's float32
    /// values, not a second copy of the model.</remarks>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.OutputError"/> when <paramref name="folder"/> is a
    /// file, a symbolic link, a folder that is not empty, or cannot be written; <see cref="ErrorCodes.MissingFile"/> or
    /// <see cref="ErrorCodes.MalformedConfig"/> for the source's config.json; <see cref="ErrorCodes.ShapeMismatch"/> when
    /// the model's parameters are not those that config describes.</exception>
    public IReadOnlyList<string> WriteCheckpoint(IModel model, string sourceFolder, string folder,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sourceFolder);
        ArgumentNullException.ThrowIfNull(folder);
        cancellationToken.ThrowIfCancellationRequested();
        (_, DecoderConfig config) = ReadArchitecture(HfConfig.Read(sourceFolder));
        IParameterStore parameters = model.Parameters;
        new DecoderLayout(config).Validate(parameters, sourceFolder);
        SafetensorsDType dtype = WrittenDType(parameters);
        var sources = new List<(string Name, string Path)>();
        foreach (string name in CopiedFileNames)
        {
            string path = Path.Combine(sourceFolder, name);
            if (name == HfConfig.FileName || Path.Exists(path))
            {
                InputFile.RequireRegular(path,
                    name is HfConfig.FileName or "generation_config.json" ? ErrorCodes.MalformedConfig : ErrorCodes.MalformedTokenizer, name);
                sources.Add((name, path));
            }
        }

        string target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        bool replaceEmpty = CheckTarget(target);
        string parent = Path.GetDirectoryName(target)
            ?? throw new InvarLockException(ErrorCodes.OutputError, $"{folder}: has no parent folder to stage the checkpoint in");
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.invarlock-checkpoint-{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(staging);
            var written = new List<string>(sources.Count + 1);
            foreach (var (name, path) in sources)
            {
                cancellationToken.ThrowIfCancellationRequested();
                File.Copy(path, Path.Combine(staging, name));
                written.Add(name);
            }
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["format"] = "pt",
                [WrittenMetadataKey] = "true",
            };
            float[] buffer = [];
            SafetensorsWriter.Write(Path.Combine(staging, SafetensorsCheckpoint.SingleFileName), parameters.All,
                name =>
                {
                    parameters.TryGet(name, out ParameterInfo info);
                    if (buffer.Length < info.ElementCount)
                    {
                        buffer = new float[info.ElementCount];
                    }
                    Span<float> values = buffer.AsSpan(0, (int)info.ElementCount);
                    parameters.Read(name, 0, values);
                    return values;
                }, metadata, dtype, cancellationToken);
            written.Add(SafetensorsCheckpoint.SingleFileName);
            cancellationToken.ThrowIfCancellationRequested();
            if (replaceEmpty)
            {
                Directory.Delete(target, recursive: false);
            }
            Directory.Move(staging, target);
            written.Sort(string.CompareOrdinal);
            return written;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDeleteFolder(staging);
            throw new InvarLockException(ErrorCodes.OutputError, $"{folder}: cannot write the checkpoint ({OneLine(e.Message)})", e);
        }
        catch
        {
            TryDeleteFolder(staging);
            throw;
        }
    }

    /// <summary>Fails unless <paramref name="target"/> is free or an empty real folder; returns whether it exists.</summary>
    private static bool CheckTarget(string target)
    {
        FileSystemInfo info = new FileInfo(target);
        if (info.LinkTarget is not null)
        {
            throw new InvarLockException(ErrorCodes.OutputError,
                $"{target}: is a symbolic link; a checkpoint is written only to a new path or an empty folder");
        }
        if (File.Exists(target))
        {
            throw new InvarLockException(ErrorCodes.OutputError,
                $"{target}: is an existing file; a checkpoint is written only to a new path or an empty folder");
        }
        if (!Directory.Exists(target))
        {
            return false;
        }
        bool empty;
        try
        {
            empty = !Directory.EnumerateFileSystemEntries(target).Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvarLockException(ErrorCodes.OutputError, $"{target}: cannot be read ({OneLine(e.Message)})", e);
        }
        if (!empty)
        {
            throw new InvarLockException(ErrorCodes.OutputError,
                $"{target}: is not empty; a checkpoint is written only to a new path or an empty folder");
        }
        return true;
    }

    /// <summary>The stored type to write: the model's own when every tensor is held in the same 16-bit format (values
    /// written to such a tensor were rounded to it, so nothing is lost), float32 otherwise.</summary>
    private static SafetensorsDType WrittenDType(IParameterStore parameters) =>
        parameters is TensorStore store ? store.HeldDType() switch
        {
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            _ => SafetensorsDType.F32,
        } : SafetensorsDType.F32;

    private static void TryDeleteFolder(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: the staging folder is hidden and uniquely named.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    private static string OneLine(string message) => message.Split('\n')[0].TrimEnd('\r');
}
