using InvarLock.Metrics;
using InvarLock.Core.Pipeline;
using InvarLock.Core.Plugins;
using InvarLock.Data;
using InvarLock.Models;
using InvarLock.Models.Tests.TestSupport;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Plugins;
using Moq;

namespace InvarLock.Core.Tests.Pipeline;

/// <summary>The guard chain's semantics in the runner: fail-closed errors, worst action wins, rollback restores weights.</summary>
[Trait("Category", "Slow")]
public sealed class EvaluationRunnerTests : IDisposable
{
    private readonly TempFolder _temp = new("invarlock-runner");

    public void Dispose() => _temp.Dispose();

    /// <summary>A registry with the real adapter, datasets and metric plus test guards built from delegates.</summary>
    private static PluginRegistry Registry(params (string Name, Func<GuardContext, GuardOutcome> Validate)[] guards)
    {
        var registry = new PluginRegistry();
        registry.Register(new ModelsPluginModule(), PluginSource.FirstParty);
        registry.Register(new DataPluginModule(), PluginSource.FirstParty);
        registry.Register(new MetricsPluginModule(), PluginSource.FirstParty);
        var module = new Mock<IPluginModule>();
        module.Setup(m => m.Register(It.IsAny<IPluginRegistrar>())).Callback<IPluginRegistrar>(r =>
        {
            foreach (var (name, validate) in guards)
            {
                var descriptor = new PluginDescriptor(name, new Version(1, 0), "test guard");
                r.AddGuard(descriptor, () =>
                {
                    var guard = new Mock<IGuard>();
                    guard.SetupGet(g => g.Descriptor).Returns(descriptor);
                    guard.Setup(g => g.Prepare(It.IsAny<GuardContext>())).Returns(new GuardPrepared(true));
                    guard.Setup(g => g.Validate(It.IsAny<GuardContext>())).Returns<GuardContext>(validate);
                    return guard.Object;
                });
            }
        });
        registry.Register(module.Object, new PluginSource("Test.Guards", null));
        return registry;
    }

    private EvaluationRun Run(PluginRegistry registry, string order)
    {
        string baseline = CheckpointFactory.CreateTiny(_temp.Path, "baseline-" + Guid.NewGuid().ToString("N")[..8]);
        string subject = CheckpointFactory.CopyBitIdentical(baseline, _temp.Path, "subject-" + Guid.NewGuid().ToString("N")[..8]);
        var runner = new EvaluationRunner(registry, new RuntimeFacts("test", "managed", 1));
        return runner.Run(new EvaluationRequest
        {
            BaselinePath = baseline,
            SubjectPath = subject,
            SequenceLength = 32,
            PreviewCount = 4,
            FinalCount = 4,
            PolicyOverrides = [$"guard_order=[{order}]"],
        });
    }

    [Fact]
    public void Run_GuardThrows_FailsClosedWithAbortAndTheError()
    {
        var registry = Registry(("boom", _ => throw new InvalidOperationException("kaput")), ("fine", _ => GuardOutcome.Pass()));

        EvaluationRun run = Run(registry, "boom, fine");

        Assert.True(run.Aborted);
        GuardRecord boom = run.Guards[0];
        Assert.False(boom.Outcome.Passed);
        Assert.Equal(GuardAction.Abort, boom.Outcome.Action);
        Assert.Contains("kaput", boom.Error);
        Assert.True(run.Guards[1].Outcome.Passed);
        Assert.Equal("Test.Guards", boom.Source);
    }

    [Fact]
    public void Run_WorstActionWins()
    {
        var registry = Registry(
            ("warner", _ => new GuardOutcome(true, GuardAction.Warn, [], new Dictionary<string, double>())),
            ("roller", _ => new GuardOutcome(false, GuardAction.Rollback, [new GuardViolation("x", "bad")], new Dictionary<string, double>())));

        EvaluationRun run = Run(registry, "warner, roller, warner");

        Assert.True(run.RolledBack);
        Assert.False(run.Aborted);
        Assert.Equal(3, run.Guards.Count);
    }

    [Fact]
    public void Run_Rollback_RestoresSubjectWeightsChangedByGuards()
    {
        // The guard damages the subject's weights and asks for rollback: the subject must be measured as it was before.
        var registry = Registry(("vandal", ctx =>
        {
            ctx.Model.Parameters.GetSpan("transformer.h.0.mlp.c_fc.weight").Fill(5f);
            return new GuardOutcome(false, GuardAction.Rollback, [new GuardViolation("vandal", "scribbled")], new Dictionary<string, double>());
        }));

        EvaluationRun run = Run(registry, "vandal");

        Assert.True(run.RolledBack);
        Assert.Equal(run.BaselineFinal, run.SubjectFinal);
    }

    [Fact]
    public void Run_GuardChangesBroughtSubjectWithoutRollback_SubjectIsGradedAsOnDisk()
    {
        // Guards only observe a brought subject: one that writes to it anyway is overruled, the subject is reloaded from
        // disk, and the verdict is about the checkpoint the user would ship (issue 9, "verdicts about the bytes on disk").
        var registry = Registry(("sneaky", ctx =>
        {
            Assert.True(ctx.Run.ObserveOnly);
            ctx.Model.Parameters.GetSpan("transformer.h.0.mlp.c_fc.weight").Fill(5f);
            return GuardOutcome.Pass();
        }));

        EvaluationRun run = Run(registry, "sneaky");

        Assert.False(run.RolledBack);
        Assert.Equal(run.BaselineFinal, run.SubjectFinal);
        Assert.Equal(run.Baseline.WeightsSha256, run.Subject.WeightsSha256);
        Assert.Contains(run.Warnings, w => w.Contains("reloaded from disk", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_PolicySectionForUnknownGuard_ThrowsInvalidPolicyBeforeLoadingModels()
    {
        var runner = new EvaluationRunner(Registry(("fine", _ => GuardOutcome.Pass())), new RuntimeFacts("test", "managed", 1));

        var ex = Assert.Throws<InvarLockException>(() => runner.Run(new EvaluationRequest
        {
            BaselinePath = "/does/not/exist",
            SubjectPath = "/does/not/exist/either",
            PolicyOverrides = ["guard_order=[fine]", "guards.fien.x=1"],
        }));

        Assert.Equal(ErrorCodes.InvalidPolicy, ex.Code);
        Assert.Contains("guards.fien", ex.Message);
    }

    [Fact]
    public void Run_UnknownGuard_ThrowsBeforeLoadingModels()
    {
        var registry = Registry();
        var runner = new EvaluationRunner(registry, new RuntimeFacts("test", "managed", 1));

        var ex = Assert.Throws<InvarLockException>(() => runner.Run(new EvaluationRequest
        {
            BaselinePath = "/does/not/exist",
            SubjectPath = "/does/not/exist/either",
            PolicyOverrides = ["guard_order=[nonesuch]"],
        }));

        Assert.Equal(ErrorCodes.UnknownPlugin, ex.Code);
        Assert.Contains("nonesuch", ex.Message);
    }

    [Fact]
    public void Run_SubjectAndEditBoth_ThrowsUsage()
    {
        var runner = new EvaluationRunner(Registry(), new RuntimeFacts("test", "managed", 1));
        var ex = Assert.Throws<InvarLockException>(() => runner.Run(new EvaluationRequest { BaselinePath = "b", SubjectPath = "s", EditName = "noop" }));
        Assert.Equal(ErrorCodes.Usage, ex.Code);
    }
}
