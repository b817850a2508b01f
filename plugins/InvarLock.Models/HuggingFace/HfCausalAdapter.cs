using InvarLock.Models.Gpt2;
using InvarLock.Models.Safetensors;
using InvarLock.Models.Tokenizers;
using InvarLock.Models.Weights;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.HuggingFace;

/// <summary>The <c>hf_causal</c> adapter: Hugging Face causal LM folders (config.json, safetensors weights,
/// byte-level BPE tokenizer). Supports <c>model_type</c> <c>gpt2</c>. Writes edited models back as such folders
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

    /// <inheritdoc />
    public PluginDescriptor Descriptor { get; } = new(AdapterName, new Version(0, 1, 0),
        "Hugging Face causal LMs (GPT-2) from config.json + safetensors folders");

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
        if (config.ModelType != "gpt2")
        {
            return ModelProbe.Unsupported($"{config.Path}: model_type '{config.ModelType}' is not supported by {AdapterName} (supported: gpt2)");
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

    /// <inheritdoc />
    /// <remarks>Writes <c>model.safetensors</c> (every parameter of <see cref="IModel.Parameters"/> as F32 under its
    /// Hugging Face name, metadata <c>format: pt</c> and <c>invarlock_written: true</c>; a tied head is not stored, as
    /// the loader expects) next to copies of the <see cref="CopiedFileNames"/> the source has. The folder is built in a
    /// hidden staging folder beside <paramref name="folder"/> and renamed into place at the end, so a failure or a
    /// cancellation leaves nothing there. Tensors are streamed from the model's buffers: the extra memory is one
    /// chunk, not a second copy of the model.</remarks>
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
        Gpt2Config config = HfConfig.Read(sourceFolder).ToGpt2Config();
        IParameterStore parameters = model.Parameters;
        EnsureModelMatches(parameters, config, sourceFolder);
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
            SafetensorsWriter.Write(Path.Combine(staging, SafetensorsCheckpoint.SingleFileName), parameters.All,
                name => parameters.GetSpan(name), metadata, SafetensorsDType.F32, cancellationToken);
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

    /// <summary>Fails unless the parameters are exactly those config.json describes (so the written folder loads).</summary>
    private static void EnsureModelMatches(IParameterStore parameters, Gpt2Config config, string sourceFolder)
    {
        HashSet<string> required = Gpt2Layout.RequiredNames(config);
        var expected = new List<(string Name, int[] Shape)>(Gpt2Layout.RequiredTensors(config));
        if (!config.TieWordEmbeddings && parameters.TryGet(Gpt2Layout.LmHead, out _))
        {
            expected.Add((Gpt2Layout.LmHead, [config.VocabSize, config.NEmbd]));
        }
        foreach (var (name, shape) in expected)
        {
            if (!parameters.TryGet(name, out ParameterInfo info))
            {
                throw new InvarLockException(ErrorCodes.ShapeMismatch,
                    $"{sourceFolder}: the model has no parameter '{name}', which config.json requires (was it loaded from this folder?)");
            }
            if (!info.Shape.SequenceEqual(shape))
            {
                throw new InvarLockException(ErrorCodes.ShapeMismatch,
                    $"{sourceFolder}: the model's parameter '{name}' has shape [{string.Join(", ", info.Shape)}], " +
                    $"config.json expects [{string.Join(", ", shape)}]");
            }
        }
        foreach (ParameterInfo info in parameters.All)
        {
            if (Gpt2Layout.UnexpectedTensorProblem(config, info.Name, required) is { } problem)
            {
                throw new InvarLockException(ErrorCodes.ShapeMismatch, $"{sourceFolder}: the model's parameter '{info.Name}' {problem}");
            }
        }
    }

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
