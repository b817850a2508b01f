using InvarLock.Core.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace InvarLock.Cli.Composition;

/// <summary>What the first-party guards ship about their policy (gate ids, finding → policy key), for the commands that
/// read a report without running anything (<c>explain</c>, <c>report</c>).</summary>
internal static class FirstPartyGuardPolicies
{
    private static readonly Lazy<GuardPolicyCatalog> Catalog =
        new(() => InvarLockServiceCollectionExtensions.CreateFirstPartyRegistry().GuardPolicies);

    public static GuardPolicyCatalog Instance => Catalog.Value;
}
