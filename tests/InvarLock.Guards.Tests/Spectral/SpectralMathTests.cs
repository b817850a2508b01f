using FsCheck;
using FsCheck.Fluent;
using InvarLock.Numerics;
using InvarLock.Guards.Spectral;
using InvarLock.Sdk.Models;

namespace InvarLock.Guards.Tests.Spectral;

public class SpectralMathTests
{
    [Fact]
    public void ZScore_WithFamilySpread_IsCrossSectional() =>
        Assert.Equal(2.0, SpectralMath.ZScore(1.5, new FamilyStats(4, 1.0, 0.25, 0.5, 1.5), 1.0, 0.1), 12);

    [Fact]
    public void ZScore_NoSpreadInsideDeadband_IsZero() =>
        Assert.Equal(0.0, SpectralMath.ZScore(1.04, new FamilyStats(1, 1.0, 0.0, 1, 1), 1.0, 0.1));

    [Fact]
    public void ZScore_NoSpreadOutsideDeadband_IsRelOverDeadband() =>
        Assert.Equal(3.0, SpectralMath.ZScore(1.3, new FamilyStats(1, 1.0, 0.0, 1, 1), 1.0, 0.1), 12);

    [Fact]
    public void BenjaminiHochberg_ReferenceCases()
    {
        Assert.Equal(["a"], MultipleTesting.BenjaminiHochberg(new Dictionary<string, double> { ["a"] = .01, ["b"] = .04, ["c"] = .5 }, .05, 3));
        Assert.Equal(["a", "b"], MultipleTesting.BenjaminiHochberg(new Dictionary<string, double> { ["a"] = .01, ["b"] = .05 }, .05, 2));
        Assert.Empty(MultipleTesting.BenjaminiHochberg(new Dictionary<string, double> { ["a"] = .01 }, 0, 1));
        Assert.Empty(MultipleTesting.BenjaminiHochberg(new Dictionary<string, double> { ["a"] = 1.2, ["b"] = double.NaN }, .05, 2));
    }

    [Fact]
    public void Bonferroni_ReferenceCases()
    {
        Assert.Equal(["a"], MultipleTesting.Bonferroni(new Dictionary<string, double> { ["a"] = .01, ["b"] = .03 }, .05, 2));
        Assert.Equal(["a"], MultipleTesting.Bonferroni(new Dictionary<string, double> { ["a"] = .025, ["b"] = .03 }, .05, 2));
        Assert.Empty(MultipleTesting.Bonferroni(new Dictionary<string, double> { ["a"] = .001 }, -1, 1));
    }

    [Fact]
    public void SelectFamilies_FourSingleModuleFamilies_BhThreeBonferroniOne()
    {
        BudgetedCandidate[] c =
        [
            new("m.ffn", "ffn", 2.576), new("m.attn", "attn", 2.326), new("m.embed", "embed", 2.17), new("m.other", "other", 1.8),
        ];
        FamilySelection bh = SpectralMath.SelectFamilies(c, "bh", 0.05, 4);
        Assert.Equal(["attn", "embed", "ffn"], bh.FamiliesSelected);
        Assert.Equal(3, bh.Selected.Count(s => s));
        FamilySelection bonf = SpectralMath.SelectFamilies(c, "bonferroni", 0.05, 4);
        Assert.Equal(["ffn"], bonf.FamiliesSelected);
    }

    [Fact]
    public void SelectFamilies_CandidateWithoutFiniteZ_IsSelectedFailClosed()
    {
        BudgetedCandidate[] c = [new("a", "ffn", 3.0), new("b", "attn", 0.0), new("c", "attn", double.NaN)];
        FamilySelection s = SpectralMath.SelectFamilies(c, "bh", 0.05, 2);
        Assert.Equal([true, false, true], s.Selected);
        Assert.Equal(1, s.DefaultSelectedWithoutPValue);
    }

    [Fact]
    public void SelectFamilies_MMissing_UsesFamiliesTested()
    {
        FamilySelection s = SpectralMath.SelectFamilies([new("a", "ffn", 2.0), new("b", "attn", 1.0)], "bh", 0.05, null);
        Assert.Equal(2, s.M);
    }

    [Fact]
    public void BenjaminiHochberg_SelectsSupersetOfBonferroni_Property()
    {
        Prop.ForAll(
            Gen.Choose(0, 1_000_000).Select(x => x / 1_000_000.0).ArrayOf().Where(a => a.Length is > 0 and < 12).ToArbitrary(),
            Gen.Choose(1, 100).Select(x => x / 1000.0).ToArbitrary(),
            (double[] p, double alpha) =>
            {
                var map = p.Select((v, i) => (Key: $"f{i}", v)).ToDictionary(x => x.Key, x => x.v);
                var bh = MultipleTesting.BenjaminiHochberg(map, alpha, p.Length).ToHashSet();
                return MultipleTesting.Bonferroni(map, alpha, p.Length).All(bh.Contains);
            }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void BenjaminiHochberg_HalvingSmallestPNeverReducesRejections_Property()
    {
        Prop.ForAll(
            Gen.Choose(1, 1_000_000).Select(x => x / 1_000_000.0).ArrayOf().Where(a => a.Length is > 0 and < 10).ToArbitrary(),
            (double[] p) =>
            {
                var map = p.Select((v, i) => ($"f{i}", v)).ToDictionary(x => x.Item1, x => x.v);
                int before = MultipleTesting.BenjaminiHochberg(map, 0.05, p.Length).Count;
                map["f0"] = p[0] / 2;
                return MultipleTesting.BenjaminiHochberg(map, 0.05, p.Length).Count >= before;
            }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData(ModuleRole.Query, "attn")]
    [InlineData(ModuleRole.Key, "attn")]
    [InlineData(ModuleRole.Value, "attn")]
    [InlineData(ModuleRole.FusedQkv, "attn")]
    [InlineData(ModuleRole.AttentionOutput, "attn")]
    [InlineData(ModuleRole.Gate, "ffn")]
    [InlineData(ModuleRole.Up, "ffn")]
    [InlineData(ModuleRole.FusedGateUp, "ffn")]
    [InlineData(ModuleRole.Down, "ffn")]
    [InlineData(ModuleRole.TokenEmbedding, "embed")]
    [InlineData(ModuleRole.PositionEmbedding, "embed")]
    [InlineData(ModuleRole.OutputHead, "other")]
    public void Classify_Role_GivesFamilyWithGateAsFfn(ModuleRole role, string family) =>
        Assert.Equal(family, SpectralFamilies.Classify(Module("model.layers.0.mlp.router_gate_attn", role)));

    [Fact]
    public void Classify_NameSaysOtherwise_RoleWins() =>
        Assert.Equal("ffn", SpectralFamilies.Classify(Module("transformer.h.0.attn.c_fc", ModuleRole.Up)));

    [Theory]
    [InlineData(ModuleRole.AttentionOutput, "attn", true)]
    [InlineData(ModuleRole.Up, "attn", false)]
    [InlineData(ModuleRole.Up, "ffn", true)]
    [InlineData(ModuleRole.Gate, "ffn", true)]
    [InlineData(ModuleRole.FusedGateUp, "ffn", true)]
    [InlineData(ModuleRole.AttentionOutput, "ffn", false)]
    [InlineData(ModuleRole.FusedQkv, "attn", true)]
    [InlineData(ModuleRole.AttentionOutput, "ffn+proj", true)]
    [InlineData(ModuleRole.Down, "ffn+proj", true)]
    [InlineData(ModuleRole.Query, "ffn+proj", false)]
    [InlineData(ModuleRole.TokenEmbedding, "ffn", false)]
    [InlineData(ModuleRole.OutputHead, "all", true)]
    [InlineData(ModuleRole.OutputHead, "unknown_scope", true)]
    public void InScope_Role_MatchesReferenceScopes(ModuleRole role, string scope, bool expected) =>
        Assert.Equal(expected, SpectralFamilies.InScope(Module("m", role), scope));

    private static ModuleInfo Module(string name, ModuleRole role) => new(name, ModuleKind.Linear, role, 0, name + ".weight", null);
}
