using InvarLock.Core.Plugins;
using InvarLock.Core.Policy;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Metrics;
using InvarLock.Sdk.Plugins;
using InvarLock.Sdk.Guards;

namespace InvarLock.Core.Pipeline.Stages;

/// <summary>Stage 1, before anything is read from disk: the resolved policy, the window counts, and every plugin the run
/// names (metric, dataset, edit, guards). Each guard that can checks its policy section now; a policy section for no
/// registered guard is an error.</summary>
internal static class PolicyStage
{
    public static RunSetup Run(EvaluationRequest request, RunContext context)
    {
        if ((request.SubjectPath is null) == (request.EditName is null))
        {
            throw new InvarLockException(ErrorCodes.Usage, "give exactly one of --subject DIR or --edit NAME");
        }
        PluginRegistry registry = context.Registry;
        ResolvedPolicy policy = PolicyResolver.Resolve(new PolicyRequest(request.Tier, request.Profile, request.EditName,
            request.PresetPath, request.PolicyOverrides)
        {
            EditAdjustments = request.EditName is null ? null : registry.EditPolicyAdjustments(request.EditName),
        }, registry.GuardPolicies, request.Environment);
        // A named metric must exist now; which one runs is settled once the baseline's objective is known (MetricStage).
        IPrimaryMetric metric = registry.GetMetric(request.PrimaryMetric ?? MetricStage.DefaultName);
        var dataset = context.Use(registry.GetDataset(request.DatasetName), PluginKind.Dataset);
        var edit = request.EditName is null ? null : context.Use(registry.GetEdit(request.EditName), PluginKind.Edit);
        foreach (string name in policy.GuardOrder)
        {
            // An unknown guard is an error, never a silent stand-in.
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
                    $"guards.{name}: no such guard (a misspelt name?); the chain runs: {string.Join(", ", policy.GuardOrder)}");
            }
        }
        return new RunSetup(policy, metric, dataset, edit, request.PreviewCount ?? policy.Profile.PreviewWindows,
            request.FinalCount ?? policy.Profile.FinalWindows, request.Stride ?? request.SequenceLength, request.Seed);
    }
}
