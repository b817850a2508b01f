using System.Diagnostics;
using InvarLock.Core.Plugins;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 5: each guard of the chain prepares on the baseline over the preview (calibration) windows, before any
/// edit. A guard that throws is recorded and fails closed at validation; a bad policy value stops the run (IL1002).</summary>
internal static class GuardPrepareStage
{
    public static IReadOnlyList<PreparedGuard> Run(RunSetup setup, IModel baseline, IReadOnlyList<ReadOnlyMemory<int>> calibration,
        GuardRunInfo runInfo, RunContext context)
    {
        IReadOnlyList<string> names = setup.Policy.GuardOrder;
        var guards = new List<PreparedGuard>(names.Count);
        context.Observer.StageStarted("guards prepare", names.Count);
        foreach (string name in names)
        {
            IGuard guard = context.Registry.CreateGuard(name);
            context.Use(guard.Descriptor, PluginKind.Guard);
            var clock = Stopwatch.StartNew();
            try
            {
                var ctx = new GuardContext(baseline, setup.Policy.GuardSection(name), calibration, runInfo)
                {
                    Metric = setup.Metric,
                    CancellationToken = context.CancellationToken,
                };
                guards.Add(new PreparedGuard(name, guard, guard.Prepare(ctx), null, clock.Elapsed.TotalSeconds));
            }
            catch (InvarLockException ex) when (ex.Code == ErrorCodes.InvalidPolicy)
            {
                throw;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                guards.Add(new PreparedGuard(name, guard, null, $"prepare failed: {ex.GetType().Name}: {ex.Message}", clock.Elapsed.TotalSeconds));
            }
            context.Observer.Advanced(1);
        }
        context.Observer.StageCompleted("guards prepare");
        return guards;
    }
}
