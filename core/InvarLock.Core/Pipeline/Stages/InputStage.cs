using InvarLock.Core.Plugins;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 2: every input checked before any model is loaded for compute — both folders exist, an adapter accepts
/// each (config, tokenizer, remote-code markers; errors name the side), and the dataset reads.</summary>
internal static class InputStage
{
    public static CheckedInputs Run(EvaluationRequest request, RunSetup setup, RunContext context)
    {
        Func<string, string?> environment = request.Environment ?? System.Environment.GetEnvironmentVariable;
        string baselinePath = FullFolder(request.BaselinePath, "--baseline", "baseline", environment);
        string? subjectPath = request.SubjectPath is null ? null : FullFolder(request.SubjectPath, "--subject", "subject", environment);
        IModelAdapter adapter = context.Use(ChooseAdapter(context.Registry, request.Adapter, baselinePath, "baseline", request), PluginKind.Adapter);
        IModelAdapter? subjectAdapter = subjectPath is null ? null
            : ChooseAdapter(context.Registry, request.Adapter ?? adapter.Descriptor.Name, subjectPath, "subject", request);
        DatasetContent content = setup.Dataset.Load(new DatasetSpec(request.DatasetPath, request.Seed,
            PlanStage.SizeHint(setup.TokensNeeded(request.SequenceLength))));
        var loadOptions = new ModelLoadOptions { Threads = request.Threads, AllowRemoteCodeConfig = request.AllowRemoteCodeConfig };
        return new CheckedInputs(baselinePath, adapter, subjectPath, subjectAdapter, content, loadOptions);
    }

    /// <summary>An accepted folder whose config asks for custom code is refused unless the run allows remote-code configs.</summary>
    private static IModelAdapter Accept(IModelAdapter adapter, ModelProbe probe, string side, EvaluationRequest request) =>
        probe.RemoteCodeMarker is { } marker && !request.AllowRemoteCodeConfig
            ? throw new InvarLockException(ErrorCodes.SecurityRefused,
                $"{marker} asks for custom code; the {side} folder is refused (set INVARLOCK_ALLOW_REMOTE_CODE=1 to read it anyway; "
                + "no code from the folder is ever executed)")
            : adapter;

    /// <summary>The folder <paramref name="path"/> names: a local folder when one exists, else a Hugging Face cache
    /// snapshot when the path has the shape <c>org/name[@revision]</c> (<see cref="HubCache"/>).</summary>
    private static string FullFolder(string path, string option, string side, Func<string, string?> environment)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full) && HubCache.LooksLikeReference(path))
        {
            return HubCache.Resolve(path, environment, option);
        }
        if (!Directory.Exists(full))
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{full}: {side} folder ({option}) not found");
        }
        return full;
    }

    private static IModelAdapter ChooseAdapter(PluginRegistry registry, string? name, string folder, string side, EvaluationRequest request)
    {
        if (name is not null)
        {
            IModelAdapter named = registry.GetAdapter(name);
            ModelProbe probe = named.Describe(folder);
            return probe.CanLoad ? Accept(named, probe, side, request)
                : throw new InvarLockException(ErrorCodes.UnsupportedModel, $"{folder}: adapter {name} cannot load the {side} model: {probe.Reason}");
        }
        var reasons = new List<string>();
        foreach (IModelAdapter candidate in registry.Adapters)
        {
            ModelProbe probe = candidate.Describe(folder);
            if (probe.CanLoad)
            {
                return Accept(candidate, probe, side, request);
            }
            reasons.Add($"{candidate.Descriptor.Name}: {probe.Reason}");
        }
        throw new InvarLockException(ErrorCodes.UnsupportedModel,
            $"{folder}: no adapter recognises the {side} model ({(reasons.Count == 0 ? "no adapters registered" : string.Join("; ", reasons))})");
    }
}
