using System.Text.Json.Nodes;
using InvarLock.Metrics;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Plugins;
using InvarLock.Core.Policy;
using InvarLock.Core.Reporting;
using InvarLock.Core.Reporting.Html;
using InvarLock.Core.Reporting.Model;
using InvarLock.Data;
using InvarLock.Models;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Plugins;
using Moq;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>A third-party-style guard ships its own tier defaults, gate id and finding → policy key through the SDK, and
/// the resolver, the gates and the report views use them; core knows nothing about it by name.</summary>
public sealed class GuardPolicyProviderTests : IDisposable
{
    private const string GuardName = "limit_guard";
    private const string FindingCode = "delta_over_limit";
    private readonly TempFolder _temp = new("invarlock-guardpolicy");

    public void Dispose() => _temp.Dispose();

    /// <summary>Defaults per tier (max_delta) and a ci/release profile adjustment (strict); a finding points at max_delta.</summary>
    private sealed class LimitGuardPolicy : IGuardPolicyProvider
    {
        public string GateId => "limit_guard_ok";

        public JsonObject DefaultPolicy(string tier, string profile)
        {
            var section = new JsonObject
            {
                ["max_delta"] = tier switch { "conservative" => 0.01, "aggressive" => 0.5, _ => 0.1 },
            };
            if (profile is "ci" or "release")
            {
                section["strict"] = true;
            }
            return section;
        }

        public string? PolicyKeyFor(GuardViolation violation, JsonNode? details) => violation.Code == FindingCode ? "max_delta" : null;
    }

    /// <summary>A registry with the limit guard (which fails, quoting its max_delta) and the default chain it declares.</summary>
    private static PluginRegistry Registry(bool withModels)
    {
        var registry = new PluginRegistry();
        if (withModels)
        {
            registry.Register(new ModelsPluginModule(), PluginSource.FirstParty);
            registry.Register(new DataPluginModule(), PluginSource.FirstParty);
            registry.Register(new MetricsPluginModule(), PluginSource.FirstParty);
        }
        var module = new Mock<IPluginModule>();
        module.Setup(m => m.Register(It.IsAny<IPluginRegistrar>())).Callback<IPluginRegistrar>(r =>
        {
            var descriptor = new PluginDescriptor(GuardName, new Version(1, 0), "test guard with its own policy");
            r.AddGuard(descriptor, () =>
            {
                var guard = new Mock<IGuard>();
                guard.SetupGet(g => g.Descriptor).Returns(descriptor);
                guard.Setup(g => g.Prepare(It.IsAny<GuardContext>())).Returns(new GuardPrepared(true));
                guard.Setup(g => g.Validate(It.IsAny<GuardContext>())).Returns<GuardContext>(ctx =>
                {
                    double limit = ctx.Policy.GetProperty("max_delta").GetDouble();
                    return new GuardOutcome(false, GuardAction.Warn,
                        [new GuardViolation(FindingCode, "delta above the limit", "transformer.h.0.mlp.c_fc", 1.0, limit, Fatal: false)],
                        new Dictionary<string, double>());
                });
                return guard.Object;
            }, new LimitGuardPolicy());
            r.DeclareDefaultGuardChain([GuardName]);
        });
        registry.Register(module.Object, new PluginSource("Test.LimitGuard", null));
        return registry;
    }

    [Theory]
    [InlineData("balanced", "dev", 0.1, false)]
    [InlineData("conservative", "dev", 0.01, false)]
    [InlineData("aggressive", "ci", 0.5, true)]
    [InlineData("balanced", "release", 0.1, true)]
    public void Resolve_GuardWithProvider_SectionAndChainComeFromTheGuard(string tier, string profile, double maxDelta, bool strict)
    {
        ResolvedPolicy policy = PolicyResolver.Resolve(new PolicyRequest(tier, profile, null, null, []), Registry(false).GuardPolicies, _ => null);

        Assert.Equal([GuardName], policy.GuardOrder);
        Assert.Equal(maxDelta, policy.GuardSection(GuardName).GetProperty("max_delta").GetDouble());
        Assert.Equal(strict, policy.GuardSection(GuardName).TryGetProperty("strict", out _));
        Assert.Empty(policy.AddedGuardSections);
        Assert.Equal(["shipped:tiers.yaml", $"profile:{profile}"], policy.Sources);
    }

    [Fact]
    public void GateId_GuardWithProvider_IsDeclaredIdElseNamePass()
    {
        GuardPolicyCatalog catalog = Registry(false).GuardPolicies;

        Assert.Equal("limit_guard_ok", catalog.GateId(GuardName));
        Assert.Equal("other_pass", catalog.GateId("other"));
        Assert.Equal("other_pass", GuardPolicyCatalog.Empty.GateId("other"));
    }

    [Fact]
    public void DeclareDefaultGuardChain_SecondModule_ThrowsPluginRefusedNamingBoth()
    {
        PluginRegistry registry = Registry(false);
        var second = new Mock<IPluginModule>();
        second.Setup(m => m.Register(It.IsAny<IPluginRegistrar>())).Callback<IPluginRegistrar>(r => r.DeclareDefaultGuardChain(["x"]));

        var ex = Assert.Throws<InvarLockException>(() => registry.Register(second.Object, new PluginSource("Second", null)));

        Assert.Equal(ErrorCodes.PluginRefused, ex.Code);
        Assert.Contains("Test.LimitGuard", ex.Message);
        Assert.Contains("Second", ex.Message);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Run_GuardWithProvider_ReportShowsItsDefaultsGateIdAndPolicyKey()
    {
        PluginRegistry registry = Registry(true);
        string baseline = CheckpointFactory.CreateTiny(_temp.Path, "baseline");
        string subject = CheckpointFactory.CopyBitIdentical(baseline, _temp.Path, "subject");
        var runner = new EvaluationRunner(registry, new RuntimeFacts("test", "managed", 1));

        EvaluationRun run = runner.Run(new EvaluationRequest
        {
            BaselinePath = baseline,
            SubjectPath = subject,
            SequenceLength = 32,
            PreviewCount = 4,
            FinalCount = 4,
            Tier = "conservative",
        });
        EvaluationReport report = ReportBuilder.Build(run);

        // Tier default from the guard, in the report's resolved policy; the default chain it declared ran.
        Assert.Equal(0.01, report.Policy.Resolved["guards"]![GuardName]!["max_delta"]!.GetValue<double>());
        GuardSection guard = Assert.Single(report.Guards);
        Assert.Equal(GuardName, guard.Name);
        Assert.Equal(0.01, guard.Violations[0].Threshold);
        // Its gate, under the id it declared.
        var gate = Assert.Single(report.Gates, g => g.Id == "limit_guard_ok");
        Assert.False(gate.Passed);
        Assert.DoesNotContain(report.Gates, g => g.Id == "limit_guard_pass");
        // Its finding points at the key it named, in explain/HTML.
        Assert.Equal("guards.limit_guard.max_delta", PolicyLines.ForViolation(guard, guard.Violations[0], registry.GuardPolicies));
        Assert.Equal("0.01", PolicyLines.ValueAt(report.Policy.Resolved, "guards.limit_guard.max_delta"));
        Assert.Contains("guards.limit_guard.max_delta", ReportHtml.Render(report, registry.GuardPolicies));
        // Verify recomputes the same gates from the report with the registry's ids.
        ReportAnalysis.Result recomputed = ReportAnalysis.Compute(AnalysisInputs.FromReport(report, registry.GuardPolicies));
        Assert.Equal(report.Gates, recomputed.Gates.Gates);
    }
}
