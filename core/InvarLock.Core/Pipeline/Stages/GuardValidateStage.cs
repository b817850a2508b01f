using System.Diagnostics;
using InvarLock.Core.Plugins;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;
using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 7: each guard validates on the subject; a guard that threw (here or in prepare) fails closed with
/// Abort; the worst action wins. A brought subject is graded as it is on disk: if a guard changed its weights anyway it
/// is overruled and the subject reloaded. Rollback undoes an edit (and any repair of it).</summary>
internal static class GuardValidateStage
{
    public static ValidatedGuards Run(RunSetup setup, IReadOnlyList<PreparedGuard> guards, SubjectModel subject,
        IReadOnlyList<ReadOnlyMemory<int>> calibration, GuardRunInfo runInfo, CheckedInputs inputs, RunContext context)
    {
        var clock = Stopwatch.StartNew();
        context.Observer.StageStarted("guards validate", guards.Count);
        var records = new List<GuardRecord>(guards.Count);
        GuardAction worst = GuardAction.None;
        for (int i = 0; i < guards.Count; i++)
        {
            PreparedGuard g = guards[i];
            string source = context.Registry.TryGetEntry(PluginKind.Guard, g.Name, out PluginEntry entry) ? entry.Source.Package : "unknown";
            var guardClock = Stopwatch.StartNew();
            string? error = g.Error;
            GuardOutcome outcome;
            if (error is not null)
            {
                outcome = FailClosed(error);
            }
            else
            {
                try
                {
                    var ctx = new GuardContext(subject.Model, setup.Policy.GuardSection(g.Name), calibration, runInfo)
                    {
                        Metric = setup.Metric,
                        CancellationToken = context.CancellationToken,
                    };
                    outcome = g.Guard.Validate(ctx);
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
            records.Add(new GuardRecord(g.Name, i, source, g.Prepared, outcome, error, g.Seconds, guardClock.Elapsed.TotalSeconds));
            if (outcome.Action > worst)
            {
                worst = outcome.Action;
            }
            context.Observer.Advanced(1);
        }
        context.Observer.StageCompleted("guards validate");
        double seconds = clock.Elapsed.TotalSeconds;
        foreach (PreparedGuard g in guards)
        {
            seconds += g.Seconds;
        }

        if (subject.BroughtPath is { } brought && ModelDigests.Weights(subject.Model.Parameters) != subject.Facts.WeightsSha256)
        {
            context.Warnings.Add("a guard changed the brought subject's weights; the subject was reloaded from disk and graded as it is there");
            subject.Model.Dispose();
            subject.Model = inputs.SubjectAdapter!.Load(brought, inputs.LoadOptions);
        }
        bool rolledBack = worst == GuardAction.Rollback;
        if (rolledBack && subject.PreEdit is { } preEdit)
        {
            subject.Model.Restore(preEdit);
        }
        subject.DropPreEdit();
        return new ValidatedGuards(records, rolledBack, worst == GuardAction.Abort, seconds);
    }

    private static GuardOutcome FailClosed(string error) =>
        new(false, GuardAction.Abort, [new GuardViolation("guard_error", error)], new Dictionary<string, double>());
}
