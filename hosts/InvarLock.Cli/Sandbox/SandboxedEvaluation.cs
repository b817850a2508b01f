using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using InvarLock.Core;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Plugins;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Model;
using InvarLock.Core.Security;
using InvarLock.Core.Verification;
using InvarLock.Sdk.Errors;

namespace InvarLock.Cli.Sandbox;

/// <summary>The parent's side of <c>evaluate --execution-mode sandbox</c> (docs/security/sandbox.md): decides the mode,
/// re-invokes the same <c>evaluate</c> command line as a worker (hidden <c>--sandbox-worker STAGING</c>) inside
/// <see cref="BubblewrapSandbox"/> with only the run's inputs readable and only the bundle's staging folder writable,
/// then validates what the worker left there before the bundle may be committed: only bundle entries, no symlinks, no
/// special files, bounded sizes, a report that <c>verify</c> accepts, a manifest whose digest matches it, both saying
/// <c>sandbox</c>, and the worker's exit code equal to the one the report implies.</summary>
internal static class SandboxedEvaluation
{
    /// <summary>The hidden option that makes <c>evaluate</c> a worker writing into the given staging folder.</summary>
    public const string WorkerOption = "--sandbox-worker";

    /// <summary>The largest Markdown summary accepted from a worker (bytes).</summary>
    public const long MaxSummaryBytes = 16L << 20;

    /// <summary>Options the worker never receives as typed: signing happens in the parent (the key stays outside), the
    /// mode is decided here, the worker prints nothing but errors, and <c>--out</c> is always passed as the bundle's
    /// absolute path.</summary>
    private static readonly string[] ParentOnlyOptions = ["--sign-with", "--sign-key", "--execution-mode", "--json", "--out", WorkerOption];

    /// <summary>Options whose value is a path the worker must see as an absolute path.</summary>
    private static readonly string[] PathOptions = ["--baseline", "--subject", "--baseline-report", "--dataset-path", "--preset"];

    /// <summary>Decides where the run executes. <paramref name="requested"/> is <c>--execution-mode</c> (null: the
    /// default, from <c>INVARLOCK_EXECUTION_MODE</c>, else sandbox where bubblewrap is usable). Without bubblewrap the
    /// default falls back to host with one line on <paramref name="error"/>, except in the <c>release</c> profile, which
    /// refuses host mode (explicit or fallback) unless <c>INVARLOCK_ALLOW_HOST_EXECUTION=1</c>.</summary>
    /// <returns>The sandbox to use, or null for host mode.</returns>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.Usage"/> for an unknown mode;
    /// <see cref="ErrorCodes.SecurityRefused"/> (exit 2) when sandbox mode was asked for and bubblewrap is unusable, or
    /// when <c>release</c> would run in host mode without the override.</exception>
    public static BubblewrapSandbox? Choose(string? requested, string profile, IReadOnlyDictionary<string, string?> environment, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(error);
        bool explicitMode = requested is not null;
        string mode = requested ?? EnvironmentFlags.Value(environment, ExecutionModes.DefaultVariable) ?? ExecutionModes.Sandbox;
        if (mode is not (ExecutionModes.Sandbox or ExecutionModes.Host))
        {
            throw new InvarLockException(ErrorCodes.Usage, explicitMode
                ? $"--execution-mode {mode}: expected sandbox or host"
                : $"{ExecutionModes.DefaultVariable}={mode}: expected sandbox or host");
        }
        bool release = string.Equals(profile, "release", StringComparison.OrdinalIgnoreCase);
        bool hostAllowed = !release || EnvironmentFlags.IsSet(environment, ExecutionModes.AllowHostVariable);
        if (mode == ExecutionModes.Host)
        {
            return hostAllowed ? null : throw HostRefused("--execution-mode host was asked for");
        }
        BubblewrapSandbox? sandbox = BubblewrapSandbox.Probe(environment, out string? problem);
        if (sandbox is not null)
        {
            return sandbox;
        }
        if (explicitMode)
        {
            throw new InvarLockException(ErrorCodes.SecurityRefused, $"--execution-mode sandbox: {problem}");
        }
        if (!hostAllowed)
        {
            throw HostRefused($"the sandbox is unavailable ({problem})");
        }
        error.WriteLine($"note: {problem}; running in host mode (model files are parsed in this process)");
        return null;
    }

    /// <summary>Runs the evaluation of <paramref name="parse"/> in a worker under <paramref name="sandbox"/>, writing into
    /// <paramref name="bundle"/>'s staging folder, and returns the validated outcome (the bundle is not committed).</summary>
    public static EvaluationOutcome Run(BubblewrapSandbox sandbox, ParseResult parse, EvaluationRequest request, OutputFolder bundle,
        IReadOnlyDictionary<string, string?> environment, PluginRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(registry);
        (string host, string tool, IReadOnlyList<string> runtimeFolders) = BubblewrapSandbox.WorkerRuntime();
        var inputs = new List<string>(runtimeFolders);
        var workerEnvironment = new Dictionary<string, string?>(environment, StringComparer.Ordinal);
        AddModelInputs(request.BaselinePath, request, inputs, workerEnvironment);
        AddModelInputs(request.SubjectPath, request, inputs, workerEnvironment);
        AddIfExists(inputs, request.DatasetPath);
        AddIfExists(inputs, request.PresetPath);
        AddIfExists(inputs, request.BaselineReport?.Path);
        PluginHostOptions plugins = PluginHostOptions.FromEnvironment(environment);
        if (plugins.AllowThirdParty)
        {
            // Third-party plugins load inside the worker, from the same (read-only) folders the host would use.
            AddIfExists(inputs, plugins.PluginsDirectory);
            AddIfExists(inputs, plugins.TrustFile);
            workerEnvironment[EnvironmentFlags.PluginsDirectory] = plugins.PluginsDirectory;
            workerEnvironment[EnvironmentFlags.Home] = Path.GetDirectoryName(plugins.TrustFile);
        }
        List<string> command = [host, tool, .. WorkerArguments(parse), "--out", bundle.Directory, WorkerOption, bundle.StagingDirectory];
        SandboxResult result = sandbox.Run(command, new SandboxMounts(inputs, bundle.StagingDirectory), workerEnvironment, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (result.ExitCode is not (ExitCodes.Success or ExitCodes.GateFailed or ExitCodes.Aborted)
            || !File.Exists(Path.Combine(bundle.StagingDirectory, ReportWriter.ReportFileName)))
        {
            throw WorkerFailure(result);
        }
        EvaluationReport report = Validate(bundle.StagingDirectory, request.Profile, [request.BaselinePath, request.SubjectPath], registry);
        int exit = ExitCodes.ForEvaluation(report);
        if (exit != result.ExitCode)
        {
            throw Refused(bundle.StagingDirectory, $"the worker exited {result.ExitCode} but its report implies exit {exit}");
        }
        return new EvaluationOutcome(report, exit);
    }

    /// <summary>Checks what a worker left in <paramref name="staging"/> (see the type's summary) and returns its report.
    /// A written checkpoint may be at most twice the size of <paramref name="modelFolders"/> plus 64 MiB.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.SecurityRefused"/> naming the file and the problem.</exception>
    public static EvaluationReport Validate(string staging, string profile, IReadOnlyList<string?> modelFolders, PluginRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(modelFolders);
        ArgumentNullException.ThrowIfNull(registry);
        long checkpointAllowance = 64L << 20;
        foreach (string? folder in modelFolders)
        {
            checkpointAllowance += 2 * InputBytes(folder);
        }
        foreach (FileSystemInfo entry in new DirectoryInfo(staging).EnumerateFileSystemInfos())
        {
            if (!OutputFolder.EntryNames.Contains(entry.Name))
            {
                throw Refused(entry.FullName, "not a bundle entry");
            }
            if (entry.Name == OutputFolder.SubjectCheckpointName)
            {
                long total = 0;
                CheckTree(entry, ref total, checkpointAllowance);
                continue;
            }
            long limit = entry.Name switch
            {
                ReportWriter.ReportFileName => ReportJson.MaxReportBytes,
                RuntimeManifest.FileName => ReportWriter.MaxManifestBytes,
                _ => MaxSummaryBytes,
            };
            CheckFile(entry, limit);
        }
        string reportPath = Path.Combine(staging, ReportWriter.ReportFileName);
        string manifestPath = Path.Combine(staging, RuntimeManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            throw Refused(manifestPath, "the worker wrote no runtime manifest");
        }
        ReportVerification verified = ReportVerifier.VerifyOne(reportPath, null, null, profile, registry.GuardPolicies);
        if (verified.Status == "malformed" || verified.Report is null)
        {
            string reason = verified.Checks.FirstOrDefault(c => !c.Ok)?.Message ?? "not a valid evaluation report";
            throw Refused(reportPath, $"verification failed ({reason})");
        }
        RuntimeManifest manifest;
        try
        {
            manifest = ReportWriter.ReadManifest(manifestPath);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvarLockException)
        {
            throw Refused(manifestPath, $"not a valid runtime manifest ({e.Message.ReplaceLineEndings(" ")})");
        }
        string reportSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(reportPath)));
        if (!string.Equals(manifest.Report.Sha256, reportSha, StringComparison.OrdinalIgnoreCase))
        {
            throw Refused(manifestPath, "its report digest does not match the report");
        }
        if (manifest.ExecutionMode != ExecutionModes.Sandbox || verified.Report.Runtime.ExecutionMode != ExecutionModes.Sandbox)
        {
            throw Refused(reportPath, "the worker did not record execution_mode sandbox");
        }
        return verified.Report;
    }

    /// <summary>The worker's command line: the parent's <c>evaluate</c> tokens without the parent-only options, with
    /// every path option made absolute (the worker runs in its staging folder).</summary>
    public static List<string> WorkerArguments(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var args = new List<string>();
        string? option = null;
        bool skipping = false;
        foreach (Token token in parse.Tokens)
        {
            if (token.Type == TokenType.Command)
            {
                args.Add(token.Value);
                continue;
            }
            if (token.Type == TokenType.Option)
            {
                option = token.Value;
                skipping = Array.IndexOf(ParentOnlyOptions, option) >= 0;
                if (!skipping)
                {
                    args.Add(token.Value);
                }
                continue;
            }
            if (skipping)
            {
                continue;
            }
            string value = token.Value;
            if (option is not null && Array.IndexOf(PathOptions, option) >= 0 && ShouldBeAbsolute(option, value))
            {
                value = Path.GetFullPath(value);
            }
            args.Add(value);
        }
        return args;
    }

    private static bool ShouldBeAbsolute(string option, string value) =>
        option is not ("--baseline" or "--subject") || Directory.Exists(value) || !HubCache.LooksLikeReference(value);

    /// <summary>Binds a model input: a folder as it is, or (for <c>org/name</c>) the resolved snapshot, the blobs its
    /// symlinks point into and the refs that name it, with <c>HF_HUB_CACHE</c> set so the worker resolves the same way.</summary>
    private static void AddModelInputs(string? spec, EvaluationRequest request, List<string> inputs, Dictionary<string, string?> environment)
    {
        if (spec is null)
        {
            return;
        }
        if (Directory.Exists(spec) || !HubCache.LooksLikeReference(spec))
        {
            AddIfExists(inputs, spec);
            return;
        }
        string snapshot = HubCache.Resolve(spec, request.Environment ?? (_ => null), "--baseline/--subject");
        string repoFolder = Path.GetFullPath(Path.Combine(snapshot, "..", ".."));
        AddIfExists(inputs, snapshot);
        AddIfExists(inputs, Path.Combine(repoFolder, "blobs"));
        AddIfExists(inputs, Path.Combine(repoFolder, "refs"));
        environment["HF_HUB_CACHE"] = Path.GetDirectoryName(repoFolder);
        environment.Remove("HF_HOME");
    }

    private static void AddIfExists(List<string> inputs, string? path)
    {
        if (path is not null && (File.Exists(path) || Directory.Exists(path)))
        {
            inputs.Add(Path.GetFullPath(path));
        }
    }

    private static long InputBytes(string? path)
    {
        if (path is null || !Directory.Exists(path))
        {
            return 0;
        }
        long total = 0;
        foreach (string file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            total += new FileInfo(file).Length;
        }
        return total;
    }

    private static void CheckTree(FileSystemInfo entry, ref long total, long allowance)
    {
        if (entry.LinkTarget is not null)
        {
            throw Refused(entry.FullName, "a symlink");
        }
        if (entry is DirectoryInfo dir)
        {
            foreach (FileSystemInfo child in dir.EnumerateFileSystemInfos())
            {
                CheckTree(child, ref total, allowance);
            }
            return;
        }
        CheckFile(entry, allowance);
        total += ((FileInfo)entry).Length;
        if (total > allowance)
        {
            throw Refused(entry.FullName, $"the checkpoint is larger than the {allowance} bytes allowed");
        }
    }

    private static void CheckFile(FileSystemInfo entry, long limit)
    {
        if (entry.LinkTarget is not null)
        {
            throw Refused(entry.FullName, "a symlink");
        }
        if (entry is not FileInfo file)
        {
            throw Refused(entry.FullName, "not a regular file");
        }
        try
        {
            InvarLock.Sdk.IO.InputFile.RequireRegular(file.FullName, ErrorCodes.SecurityRefused, "bundle entry");
        }
        catch (InvarLockException e)
        {
            throw Refused(entry.FullName, $"not a regular file ({e.Message})");
        }
        if (file.Length > limit)
        {
            throw Refused(entry.FullName, $"{file.Length} bytes, more than the {limit} allowed");
        }
    }

    private static InvarLockException Refused(string path, string problem) =>
        new(ErrorCodes.SecurityRefused, $"{path}: refused the sandboxed worker's output: {problem}");

    private static InvarLockException HostRefused(string why) =>
        new(ErrorCodes.SecurityRefused,
            $"the release profile refuses host execution ({why}); install bubblewrap, or set {ExecutionModes.AllowHostVariable}=1 to allow it");

    /// <summary>The worker's own error, re-raised with its code (so a bad input reads the same in both modes), or an
    /// internal error when the worker died without one.</summary>
    private static Exception WorkerFailure(SandboxResult result)
    {
        foreach (string line in result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("error IL", StringComparison.Ordinal))
            {
                continue;
            }
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string id = colon > 6 ? line[6..colon] : "";
            foreach (FieldInfo field in typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (field.GetValue(null) is ErrorCode code && code.Id == id)
                {
                    return new InvarLockException(code, line[(colon + 1)..].Trim());
                }
            }
        }
        string last = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no message";
        return new InvalidOperationException($"the sandboxed worker exited {result.ExitCode} without a report ({last})");
    }
}
