using System.Diagnostics;
using System.Text.Json;
using InvarLock.Core.Plugins;
using InvarLock.Core.Policy;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Edits;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;

namespace InvarLock.Core.Pipeline;

/// <summary>Runs one evaluation: policy → inputs checked (both folders, adapters, dataset) → baseline → windows spread
/// over the stream → baseline metric → arms balanced on it → guards prepare (baseline) → subject (loaded or edited) →
/// guards validate (subject; observers only for a brought subject) → primary metric on the subject over the same windows. Returns the raw facts; the
/// report builder derives statistics, gates and the verdict.</summary>
public sealed class EvaluationRunner(PluginRegistry registry, RuntimeFacts runtime)
{
    /// <summary>Guard stage names shown in progress.</summary>
    private const string GuardStage = "guards";

    public EvaluationRun Run(EvaluationRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        observer ??= NullRunObserver.Instance;
        if ((request.SubjectPath is null) == (request.EditName is null))
        {
            throw new InvarLockException(ErrorCodes.Usage, "give exactly one of --subject DIR or --edit NAME");
        }
        DateTimeOffset started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var warnings = new List<string>();
        var used = new List<PluginUse>();

        BaselineReuse? reuse = request.BaselineReport;
        ResolvedPolicy policy = PolicyResolver.Resolve(new PolicyRequest(request.Tier, request.Profile, request.EditName,
            request.PresetPath, request.PolicyOverrides));
        int previewCount = request.PreviewCount ?? policy.Profile.PreviewWindows;
        int finalCount = request.FinalCount ?? policy.Profile.FinalWindows;
        int stride = request.Stride ?? request.SequenceLength;
        IPrimaryMetric metric = Use(registry.GetMetric(request.PrimaryMetric), PluginKind.Metric, used);
        IDatasetProvider dataset = Use(registry.GetDataset(request.DatasetName), PluginKind.Dataset, used);
        IEdit? edit = request.EditName is null ? null : Use(registry.GetEdit(request.EditName), PluginKind.Edit, used);
        var guardNames = policy.GuardOrder;
        foreach (string name in guardNames)
        {
            // Resolve every guard name before any work: an unknown guard is an error, never a silent stand-in. Guards that
            // can check their policy section do so now, before any model is loaded.
            if (registry.CreateGuard(name) is IPolicyCheckingGuard checking)
            {
                checking.CheckPolicy(policy.GuardSection(name));
            }
        }
        foreach (string name in policy.AddedGuardSections)
        {
            if (!registry.TryGetEntry(PluginKind.Guard, name, out _))
            {
                throw new InvarLockException(ErrorCodes.InvalidPolicy,
                    $"guards.{name}: no such guard (a misspelt name?); the chain runs: {string.Join(", ", guardNames)}");
            }
        }

        // Inputs checked before any model is loaded: both folders, their adapters (config, remote-code markers), the dataset file.
        string baselinePath = FullFolder(request.BaselinePath, "--baseline", "baseline");
        string? broughtSubjectPath = request.SubjectPath is null ? null : FullFolder(request.SubjectPath, "--subject", "subject");
        IModelAdapter adapter = ChooseAdapter(request.Adapter, baselinePath, "baseline");
        Use(adapter, PluginKind.Adapter, used);
        IModelAdapter? subjectAdapter = broughtSubjectPath is null ? null
            : ChooseAdapter(request.Adapter ?? adapter.Descriptor.Name, broughtSubjectPath, "subject");
        long tokensNeeded = (long)(previewCount + finalCount - 1) * stride + request.SequenceLength;
        DatasetContent firstContent = dataset.Load(new DatasetSpec(request.DatasetPath, request.Seed, SizeHint(tokensNeeded)));

        // Load the baseline.
        var phase = Stopwatch.StartNew();
        observer.StageStarted("load baseline", 0);
        var loadOptions = new ModelLoadOptions { Threads = request.Threads, AllowRemoteCodeConfig = request.AllowRemoteCodeConfig };
        using IModel baseline = adapter.Load(baselinePath, loadOptions);
        observer.StageCompleted("load baseline");
        double loadSeconds = phase.Elapsed.TotalSeconds;
        if (request.SequenceLength > baseline.Description.MaxPositions)
        {
            throw new InvarLockException(ErrorCodes.Usage,
                $"--seq-len {request.SequenceLength} exceeds the model's {baseline.Description.MaxPositions} positions");
        }

        // Dataset → token stream → the windows, spread over the whole stream.
        phase.Restart();
        observer.StageStarted("tokenize", 0);
        (DatasetContent content, int[] stream) = LoadStream(dataset, request, baseline.Tokenizer, firstContent, tokensNeeded);
        var selection = WindowSelection.Create(stream, request.SequenceLength, stride, previewCount, finalCount, content.Source);
        reuse?.CheckSelection(selection);
        if (selection.Stride < selection.SequenceLength)
        {
            warnings.Add($"windows overlap by {(selection.SequenceLength - selection.Stride) / (double)selection.SequenceLength:P1} (stride {stride} < seq-len {request.SequenceLength})");
        }
        observer.StageCompleted("tokenize");
        double tokenizeSeconds = phase.Elapsed.TotalSeconds;

        // Baseline metric on every selected window (or the reused report's losses after checking it measured this
        // baseline); then the arms are dealt so the baseline's perplexity is the same on both.
        phase.Restart();
        ModelFacts baselineFacts = Facts(baseline, baselinePath, adapter, baselinePath);
        var progress = new ObserverProgress(observer);
        IReadOnlyList<ReadOnlyMemory<int>> allWindows = WindowPlan.AsMemory(selection.Windows);
        IReadOnlyList<WindowLoss> baselineLosses;
        if (reuse is not null)
        {
            reuse.CheckModel(baselineFacts);
            baselineLosses = reuse.LossesInStreamOrder();
        }
        else
        {
            observer.StageStarted("evaluate baseline", selection.Windows.Count);
            baselineLosses = metric.Score(baseline, allWindows, progress, cancellationToken);
            observer.StageCompleted("evaluate baseline");
        }
        RequireFinite(baselineLosses, selection, baselinePath);
        var plan = WindowPlan.Create(selection, baselineLosses);
        reuse?.CheckPlan(plan);
        (IReadOnlyList<WindowLoss> basePreview, IReadOnlyList<WindowLoss> baseFinal) = plan.Split(baselineLosses);
        double baselineEvalSeconds = phase.Elapsed.TotalSeconds;

        IReadOnlyList<ReadOnlyMemory<int>> calibration = WindowPlan.AsMemory(plan.Preview);
        var runInfo = new GuardRunInfo(policy.Tier, policy.Profile.Name, request.EditName, request.Seed) { ObserveOnly = broughtSubjectPath is not null };

        // Guards prepare on the baseline, before any edit.
        var guards = new List<(string Name, IGuard Guard, GuardPrepared? Prepared, string? Error, double Seconds)>();
        observer.StageStarted("guards prepare", guardNames.Count);
        foreach (string name in guardNames)
        {
            IGuard guard = registry.CreateGuard(name);
            Use(guard.Descriptor, PluginKind.Guard, used);
            var sw = Stopwatch.StartNew();
            try
            {
                var ctx = new GuardContext(baseline, policy.GuardSection(name), calibration, runInfo) { CancellationToken = cancellationToken };
                guards.Add((name, guard, guard.Prepare(ctx), null, sw.Elapsed.TotalSeconds));
            }
            catch (InvarLockException ex) when (ex.Code == ErrorCodes.InvalidPolicy)
            {
                throw;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                guards.Add((name, guard, null, $"prepare failed: {ex.GetType().Name}: {ex.Message}", sw.Elapsed.TotalSeconds));
            }
            observer.Advanced(1);
        }
        observer.StageCompleted("guards prepare");

        // The subject: brought in, or an edit of a fresh copy of the baseline.
        observer.StageStarted("load subject", 0);
        EditResult? editResult = null;
        IModel subject;
        string subjectPath;
        IModelSnapshot? preEdit = null;
        if (broughtSubjectPath is not null)
        {
            subjectPath = broughtSubjectPath;
            subject = subjectAdapter!.Load(subjectPath, loadOptions);
        }
        else
        {
            subjectPath = baselinePath;
            subject = adapter.Load(baselinePath, loadOptions);
            preEdit = subject.Snapshot();
            editResult = edit!.Apply(subject, new EditSpec(
                request.EditParameters.ValueKind == JsonValueKind.Undefined ? EmptyObject() : request.EditParameters, request.Seed));
        }
        observer.StageCompleted("load subject");
        try
        {
            if (subject.Tokenizer.Info.Sha256 != baseline.Tokenizer.Info.Sha256)
            {
                throw new InvarLockException(ErrorCodes.PairingMismatch,
                    $"{subjectPath}: tokenizer differs from the baseline's ({subject.Tokenizer.Info.Sha256[..12]} vs {baseline.Tokenizer.Info.Sha256[..12]}); windows cannot be paired");
            }
            ModelFacts subjectFacts = Facts(subject, subjectPath, subjectAdapter ?? adapter, request.SubjectPath is null ? $"{baselinePath} + edit {request.EditName}" : subjectPath);

            // Bare subject (ci/release): the final arm without guard actions, for the overhead gate.
            double? bareFinalSeconds = null;
            IReadOnlyList<WindowLoss>? bareFinal = null;
            if (policy.Profile.MeasureGuardOverhead)
            {
                var bare = Stopwatch.StartNew();
                bareFinal = metric.Score(subject, WindowPlan.AsMemory(plan.Final), null, cancellationToken);
                bareFinalSeconds = bare.Elapsed.TotalSeconds;
            }

            // Guards validate on the subject; the worst action wins.
            phase.Restart();
            observer.StageStarted("guards validate", guards.Count);
            var records = new List<GuardRecord>(guards.Count);
            GuardAction worst = GuardAction.None;
            for (int i = 0; i < guards.Count; i++)
            {
                var (name, guard, prepared, error, prepSeconds) = guards[i];
                string source = registry.TryGetEntry(PluginKind.Guard, name, out PluginEntry entry) ? entry.Source.Package : "unknown";
                var sw = Stopwatch.StartNew();
                GuardOutcome outcome;
                if (error is not null)
                {
                    outcome = FailClosed(error);
                }
                else
                {
                    try
                    {
                        var ctx = new GuardContext(subject, policy.GuardSection(name), calibration, runInfo) { CancellationToken = cancellationToken };
                        outcome = guard.Validate(ctx);
                    }
                    catch (InvarLockException ex) when (ex.Code == ErrorCodes.InvalidPolicy)
                    {
                        throw;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        error = $"validate failed: {ex.GetType().Name}: {ex.Message}";
                        outcome = FailClosed(error);
                    }
                }
                records.Add(new GuardRecord(name, i, source, prepared, outcome, error, prepSeconds, sw.Elapsed.TotalSeconds));
                if (outcome.Action > worst)
                {
                    worst = outcome.Action;
                }
                observer.Advanced(1);
            }
            observer.StageCompleted("guards validate");
            double guardSeconds = phase.Elapsed.TotalSeconds;
            foreach (var g in guards)
            {
                guardSeconds += g.Seconds;
            }

            if (broughtSubjectPath is not null && ModelDigests.Weights(subject.Parameters) != subjectFacts.WeightsSha256)
            {
                // Guards observe a brought subject; one that changed it anyway is overruled: the verdict is about the bytes on disk.
                warnings.Add("a guard changed the brought subject's weights; the subject was reloaded from disk and graded as it is there");
                subject.Dispose();
                subject = subjectAdapter!.Load(broughtSubjectPath, loadOptions);
            }

            bool rolledBack = false;
            if (worst == GuardAction.Rollback)
            {
                // Undo the edit (and the guards' repairs of it). A brought subject was never changed: the run just fails.
                if (preEdit is not null)
                {
                    subject.Restore(preEdit);
                }
                rolledBack = true;
            }
            preEdit?.Dispose();
            bool aborted = worst == GuardAction.Abort;

            // Subject metric on the same windows. Measured even after an abort, so the report shows what the guard saw.
            phase.Restart();
            GuardOverheadMeasurement? overhead = null;
            observer.StageStarted("evaluate subject", plan.Preview.Count + plan.Final.Count);
            IReadOnlyList<WindowLoss> subPreview = metric.Score(subject, calibration, progress, cancellationToken);
            var guarded = Stopwatch.StartNew();
            IReadOnlyList<WindowLoss> subFinal = metric.Score(subject, WindowPlan.AsMemory(plan.Final), progress, cancellationToken);
            observer.StageCompleted("evaluate subject");
            if (bareFinal is not null)
            {
                overhead = new GuardOverheadMeasurement(bareFinal, subFinal, bareFinalSeconds!.Value, guarded.Elapsed.TotalSeconds,
                    "bare = subject final arm before guard validation; guarded = the same arm after every guard action (VE scaling, rollback)");
            }
            double subjectEvalSeconds = phase.Elapsed.TotalSeconds;

            // An edit run's verdict is about the weights it graded (edit, guard repairs, rollback): those are the subject's
            // digest, and they are written out as a checkpoint the user can ship or re-evaluate.
            WrittenCheckpoint? written = null;
            if (editResult is not null)
            {
                string graded = ModelDigests.Weights(subject.Parameters);
                bool repaired = !rolledBack && graded != subjectFacts.WeightsSha256;
                subjectFacts = subjectFacts with { WeightsSha256 = graded };
                if (request.SubjectCheckpoint is { } target)
                {
                    if (adapter is not ICheckpointWriter writer)
                    {
                        warnings.Add($"adapter {adapter.Descriptor.Name} cannot write checkpoints; the graded model exists only in memory");
                    }
                    else
                    {
                        observer.StageStarted("write subject checkpoint", 0);
                        IReadOnlyList<string> files = writer.WriteCheckpoint(subject, baselinePath, target.WriteTo, cancellationToken);
                        observer.StageCompleted("write subject checkpoint");
                        written = new WrittenCheckpoint(target.FinalPath, graded, repaired, files);
                        subjectFacts = subjectFacts with { Path = target.FinalPath };
                    }
                }
            }

            return new EvaluationRun
            {
                ToolVersion = runtime.ToolVersion,
                StartedUtc = started,
                FinishedUtc = DateTimeOffset.UtcNow,
                Baseline = baselineFacts,
                Subject = subjectFacts,
                Edit = editResult,
                SubjectCheckpoint = written,
                Dataset = new DatasetFacts(dataset.Descriptor.Name, content.Source, content.Sha256, stream.Length, request.SequenceLength, stride, request.Seed),
                Windows = plan,
                BaselinePreview = basePreview,
                BaselineFinal = baseFinal,
                SubjectPreview = subPreview,
                SubjectFinal = subFinal,
                Guards = records,
                RolledBack = rolledBack,
                Aborted = aborted,
                Policy = policy,
                Seed = request.Seed,
                PrimaryMetric = metric.Descriptor.Name,
                Plugins = Dedupe(used),
                Timings = new RunTimings(loadSeconds, tokenizeSeconds, baselineEvalSeconds, subjectEvalSeconds, guardSeconds, total.Elapsed.TotalSeconds),
                GuardOverhead = overhead,
                Threads = runtime.Threads,
                ComputeBackend = runtime.ComputeBackend,
                Warnings = warnings,
                BaselineReportPath = reuse?.Path,
            };
        }
        finally
        {
            subject.Dispose();
        }
    }

    private static GuardOutcome FailClosed(string error) =>
        new(false, GuardAction.Abort, [new GuardViolation("guard_error", error)], new Dictionary<string, double>());

    private static JsonElement EmptyObject() => JsonSerializer.SerializeToElement(new Dictionary<string, object>());

    private static string FullFolder(string path, string option, string side)
    {
        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full))
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{full}: {side} folder ({option}) not found");
        }
        return full;
    }

    /// <summary>Fails on the first non-finite baseline loss: a broken baseline is the baseline's fault, not the edit's.</summary>
    private static void RequireFinite(IReadOnlyList<WindowLoss> losses, WindowSelection selection, string baselinePath)
    {
        for (int i = 0; i < losses.Count; i++)
        {
            if (!double.IsFinite(losses[i].LossSum) || losses[i].TokenCount <= 0)
            {
                EvaluationWindow w = selection.Windows[i];
                throw new InvarLockException(ErrorCodes.BrokenBaseline,
                    $"{baselinePath}: the baseline model's loss is {losses[i].LossSum} on window {w.Id} (start token {w.StartToken}); "
                    + "its weights are broken (NaN or infinite values?), so no subject can be compared against it");
            }
        }
    }

    private IModelAdapter ChooseAdapter(string? name, string folder, string side)
    {
        if (name is not null)
        {
            IModelAdapter named = registry.GetAdapter(name);
            ModelProbe probe = named.Describe(folder);
            return probe.CanLoad ? named
                : throw new InvarLockException(ErrorCodes.UnsupportedModel, $"{folder}: adapter {name} cannot load the {side} model: {probe.Reason}");
        }
        var reasons = new List<string>();
        foreach (IModelAdapter candidate in registry.Adapters)
        {
            ModelProbe probe = candidate.Describe(folder);
            if (probe.CanLoad)
            {
                return candidate;
            }
            reasons.Add($"{candidate.Descriptor.Name}: {probe.Reason}");
        }
        throw new InvarLockException(ErrorCodes.UnsupportedModel,
            $"{folder}: no adapter recognises the {side} model ({(reasons.Count == 0 ? "no adapters registered" : string.Join("; ", reasons))})");
    }

    /// <summary>The size hint for generated providers: about six characters per token needed, at least 4096.</summary>
    private static int SizeHint(long tokensNeeded) => (int)Math.Min(int.MaxValue / 2, Math.Max(4096, tokensNeeded * 6));

    private static (DatasetContent Content, int[] Stream) LoadStream(IDatasetProvider dataset, EvaluationRequest request, ITokenizer tokenizer,
        DatasetContent first, long tokensNeeded)
    {
        // Generated providers honour a size hint; grow it until the stream is long enough (bounded attempts).
        int hint = SizeHint(tokensNeeded);
        DatasetContent content = first;
        for (int attempt = 0; ; attempt++)
        {
            var stream = new List<int>();
            foreach (string doc in content.Documents)
            {
                stream.AddRange(tokenizer.Encode(doc));
            }
            if (stream.Count >= tokensNeeded || request.DatasetPath is not null || attempt == 3 || hint >= int.MaxValue / 4)
            {
                return (content, stream.ToArray());
            }
            hint *= 2;
            content = dataset.Load(new DatasetSpec(request.DatasetPath, request.Seed, hint));
        }
    }

    private static ModelFacts Facts(IModel model, string folder, IModelAdapter adapter, string displayPath) =>
        new(displayPath, adapter.Descriptor.Name, model.Description.Architecture, model.Description.ParameterCount,
            ModelDigests.Weights(model.Parameters), ModelDigests.ConfigFile(folder), model.Tokenizer.Info.Sha256,
            model.Description.Layers, model.Description.VocabSize);

    private T Use<T>(T component, PluginKind kind, List<PluginUse> used) where T : class
    {
        Sdk.PluginDescriptor descriptor = component switch
        {
            IModelAdapter a => a.Descriptor,
            IEdit e => e.Descriptor,
            IDatasetProvider d => d.Descriptor,
            IPrimaryMetric m => m.Descriptor,
            Sdk.PluginDescriptor p => p,
            _ => throw new ArgumentException("unsupported component", nameof(component)),
        };
        registry.TryGetEntry(kind, descriptor.Name, out PluginEntry entry);
        used.Add(new PluginUse(PluginRegistry.KindWord(kind), descriptor.Name, descriptor.Version.ToString(),
            entry?.Source.Package ?? "unknown", entry?.Source.SignerFingerprint));
        return component;
    }

    private static IReadOnlyList<PluginUse> Dedupe(List<PluginUse> used)
    {
        var seen = new HashSet<(string, string)>();
        var list = new List<PluginUse>();
        foreach (PluginUse u in used)
        {
            if (seen.Add((u.Kind, u.Name)))
            {
                list.Add(u);
            }
        }
        list.Sort((a, b) => a.Kind != b.Kind ? string.CompareOrdinal(a.Kind, b.Kind) : string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    private sealed class ObserverProgress(IRunObserver observer) : IProgress<int>
    {
        public void Report(int value) => observer.Advanced(value);
    }
}
