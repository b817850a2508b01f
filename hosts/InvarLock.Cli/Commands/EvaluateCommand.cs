using InvarLock.Cli.Sandbox;
using InvarLock.Models.Generation;
using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using InvarLock.Core;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Plugins;
using InvarLock.Core.Security;
using InvarLock.Core.Verification;
using InvarLock.Sdk.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock evaluate</c>: the main job.</summary>
internal static class EvaluateCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        Option<string?> baseline = new("--baseline") { Description = "Baseline checkpoint folder (Hugging Face layout), or org/name[@revision] from the local Hugging Face cache" };
        Option<FileInfo?> baselineReport = new("--baseline-report")
        {
            Description = "Reuse this report's baseline windows and per-window losses (its dataset and window settings become the defaults)",
        };
        Option<string?> subject = new("--subject") { Description = "Subject checkpoint folder (or org/name[@revision] from the local Hugging Face cache): the edited model you bring" };
        Option<string?> edit = new("--edit") { Description = "Make the subject by applying this edit to a copy of the baseline (noop, quant_rtn)" };
        Option<string[]> editParam = new("--edit-param") { Description = "Edit parameter KEY=VALUE (repeatable), e.g. scope=attn", AllowMultipleArgumentsPerToken = false };
        Option<string> dataset = new("--dataset") { Description = "Dataset provider: synthetic or local_text", DefaultValueFactory = _ => "synthetic" };
        Option<FileInfo?> datasetPath = new("--dataset-path") { Description = "Text file for local_text" };
        Option<int> seqLen = new("--seq-len") { Description = "Tokens per window", DefaultValueFactory = _ => 128 };
        Option<int?> stride = new("--stride") { Description = "Tokens between window starts (default: --seq-len, no overlap)" };
        Option<int?> previewN = new("--preview-n") { Description = "Preview windows (default from --profile)" };
        Option<int?> finalN = new("--final-n") { Description = "Final windows (default from --profile)" };
        Option<int> seed = new("--seed") { Description = "Seed for generated data and the bootstrap", DefaultValueFactory = _ => 42 };
        Option<string> tier = new("--tier") { Description = "Policy tier: balanced, conservative, aggressive", DefaultValueFactory = _ => "balanced" };
        Option<string> profile = new("--profile") { Description = "Profile: dev, ci, ci_cpu, release", DefaultValueFactory = _ => "dev" };
        Option<FileInfo?> preset = new("--preset") { Description = "Preset YAML with guards.<name>.* / metrics.* / guard_order overrides" };
        Option<string[]> policy = new("--policy") { Description = "Policy override PATH=VALUE (repeatable), e.g. guards.spectral.max_caps=3" };
        Option<string?> metric = new("--metric")
        {
            Description = "Primary metric (default: ppl_causal for causal LMs, ppl_mlm for masked LMs; a plugin's metric by its name)",
        };
        Option<string?> adapter = new("--adapter") { Description = "Model adapter (default: the first that recognises the folder)" };
        Option<DirectoryInfo> output = new("--out") { Description = "Output folder for the report", DefaultValueFactory = _ => new DirectoryInfo("invarlock-out") };
        Option<bool> json = new("--json") { Description = "Print one JSON object (no progress, no prose)" };
        Option<FileInfo?> signWith = new("--sign-with")
        {
            Description = "Sign the report with this certificate (.pfx/.p12, or PEM with its key): writes evaluation.report.json.p7s; password in INVARLOCK_SIGNING_PASSWORD",
        };
        Option<FileInfo?> signKey = new("--sign-key") { Description = "PEM private key of a PEM --sign-with certificate (when not in the same file)" };
        Option<string?> demo = new("--demo")
        {
            Description = "Generate a built-in tiny model (gpt2 by default; or " + string.Join("|", TinyDecoderPresets.FamilyNames) + "|bert|roberta" +
                "), quantize it with quant_rtn and evaluate it on synthetic text",
            Arity = ArgumentArity.ZeroOrOne,
        };
        Option<string?> executionMode = new("--execution-mode")
        {
            Description = "Where model and data files are parsed: sandbox (a bubblewrap worker without network; the default where bubblewrap works) or host",
        };
        Option<string?> sandboxWorker = new(SandboxedEvaluation.WorkerOption) { Hidden = true };

        var command = new Command("evaluate", "Evaluate a subject checkpoint against its baseline and write evaluation.report.json")
        {
            baseline, baselineReport, subject, edit, editParam, dataset, datasetPath, seqLen, stride, previewN, finalN, seed, tier, profile, preset,
            policy, metric, adapter, output, json, signWith, signKey, demo, executionMode, sandboxWorker,
        };
        command.SetAction(parse =>
        {
            IReadOnlyDictionary<string, string?> environment = CliEnvironment.Of(services);
            bool isDemo = Given(parse, demo);
            string outDir = Path.GetFullPath(parse.GetValue(output)!.FullName);
            string? baselineDir = parse.GetValue(baseline);
            string? editName = parse.GetValue(edit);
            string? workerStaging = parse.GetValue(sandboxWorker);
            if (isDemo && workerStaging is not null)
            {
                // The parent generated the demo model before starting the worker and bound it read-only.
                baselineDir = Path.Combine(outDir, "demo-model");
                editName ??= "quant_rtn";
            }
            else if (isDemo)
            {
                if (baselineDir is not null || parse.GetValue(subject) is not null)
                {
                    throw new InvarLockException(ErrorCodes.Usage, "--demo generates its own model; drop --baseline/--subject");
                }
                baselineDir = DemoModel.Ensure(outDir, parse.GetValue(demo));
                editName ??= "quant_rtn";
            }
            string? baselineReportPath = parse.GetValue(baselineReport)?.FullName;
            BaselineReuse? reuse = baselineReportPath is null ? null : BaselineReuse.Load(baselineReportPath, services.GetRequiredService<PluginRegistry>().GuardPolicies);
            if (reuse is not null && baselineDir is null)
            {
                baselineDir = reuse.Report.Baseline.Path;
            }
            if (baselineDir is null)
            {
                throw new InvarLockException(ErrorCodes.Usage, "--baseline DIR is required (or use --demo)");
            }
            var request = new EvaluationRequest
            {
                BaselinePath = baselineDir,
                SubjectPath = parse.GetValue(subject),
                EditName = editName,
                EditParameters = EditParameters(parse.GetValue(editParam) ?? []),
                Adapter = parse.GetValue(adapter),
                PrimaryMetric = parse.GetValue(metric),
                BaselineReport = reuse,
                DatasetName = Given(parse, dataset) || reuse is null ? parse.GetValue(dataset)! : reuse.Report.Dataset.Provider,
                DatasetPath = Given(parse, datasetPath) || reuse is null || reuse.Report.Dataset.Provider != "local_text"
                    ? parse.GetValue(datasetPath)?.FullName : reuse.Report.Dataset.Source,
                SequenceLength = Given(parse, seqLen) || reuse is null ? parse.GetValue(seqLen) : reuse.Report.Windows.SequenceLength,
                Stride = Given(parse, stride) || reuse is null ? parse.GetValue(stride) : reuse.Report.Windows.Stride,
                PreviewCount = Given(parse, previewN) || reuse is null ? parse.GetValue(previewN) : reuse.Report.Windows.Preview.Count,
                FinalCount = Given(parse, finalN) || reuse is null ? parse.GetValue(finalN) : reuse.Report.Windows.Final.Count,
                Seed = Given(parse, seed) || reuse is null ? parse.GetValue(seed) : reuse.Report.Dataset.Seed,
                Tier = parse.GetValue(tier)!,
                Profile = parse.GetValue(profile)!,
                PresetPath = parse.GetValue(preset)?.FullName,
                PolicyOverrides = parse.GetValue(policy) ?? [],
                AllowRemoteCodeConfig = EnvironmentFlags.IsSet(environment, "INVARLOCK_ALLOW_REMOTE_CODE"),
                Environment = name => environment.TryGetValue(name, out string? value) ? value : null,
            };
            bool asJson = parse.GetValue(json);
            using X509Certificate2? signer = ReportSigning.LoadSigner(parse.GetValue(signWith), parse.GetValue(signKey), request.Profile, environment);
            // Decided before the bundle begins: a refused mode leaves --out untouched.
            BubblewrapSandbox? sandbox = workerStaging is null
                ? SandboxedEvaluation.Choose(parse.GetValue(executionMode), request.Profile, environment, console.Error) : null;
            using OutputFolder bundle = workerStaging is not null ? OutputFolder.ForWorker(outDir, workerStaging)
                : OutputFolder.Begin(outDir, [isDemo ? null : request.BaselinePath, request.SubjectPath], reuse?.Path);
            if (request.EditName is not null)
            {
                // The graded edit (plus any guard repair) is written into the bundle: the verdict is about that checkpoint.
                request = request with
                {
                    SubjectCheckpoint = new CheckpointOutput(Path.Combine(bundle.StagingDirectory, OutputFolder.SubjectCheckpointName),
                        bundle.FinalPath(OutputFolder.SubjectCheckpointName)),
                };
            }
            CancellationToken cancel = services.GetRequiredService<CliCancellation>().Token;
            if (sandbox is not null)
            {
                // The worker parses and computes; this process validates what it staged, then signs and commits.
                EvaluationOutcome sandboxed = SandboxedEvaluation.Run(sandbox, parse, request, bundle, environment,
                    services.GetRequiredService<PluginRegistry>(), cancel);
                return EvaluationOutput.Write(sandboxed, bundle, console, asJson, request.PresetPath, environment, signer, staged: true);
            }
            // Third-party plugins join the registry only when enabled, signed, trusted and untampered.
            using PluginHost plugins = PluginHost.LoadEnabledPlugins(services.GetRequiredService<PluginRegistry>(), environment);
            RuntimeFacts runtime = services.GetRequiredService<RuntimeFacts>();
            var evaluator = workerStaging is null ? services.GetRequiredService<Evaluator>()
                : new Evaluator(services.GetRequiredService<PluginRegistry>(), runtime with { ExecutionMode = ExecutionModes.Sandbox });
            EvaluationOutcome outcome = ProgressDisplay.Run(console, quiet: asJson || workerStaging is not null,
                observer => evaluator.Evaluate(request, new CancellingObserver(observer, cancel), cancel));
            cancel.ThrowIfCancellationRequested();
            if (workerStaging is not null)
            {
                EvaluationOutput.WriteFiles(outcome.Report, bundle.StagingDirectory, request.PresetPath, environment);
                return outcome.ExitCode;
            }
            return EvaluationOutput.Write(outcome, bundle, console, asJson, request.PresetPath, environment, signer);
        });
        return command;
    }

    /// <summary>True when the user typed the option (not its default).</summary>
    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static JsonElement EditParameters(string[] assignments)
    {
        var map = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (string a in assignments)
        {
            int eq = a.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new InvarLockException(ErrorCodes.Usage, $"--edit-param '{a}': expected KEY=VALUE");
            }
            string key = a[..eq].Trim(), value = a[(eq + 1)..].Trim();
            map[key] = long.TryParse(value, out long l) ? l
                : double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) ? d
                : value;
        }
        return JsonSerializer.SerializeToElement(map);
    }
}
