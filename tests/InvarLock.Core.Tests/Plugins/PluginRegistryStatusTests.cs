using InvarLock.Core.Plugins;
using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Plugins;
using Moq;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Registry listing with status, and explanations for installed-but-unavailable names.</summary>
public sealed class PluginRegistryStatusTests
{
    [Fact]
    public void Entries_FirstPartyAndDisabledThirdParty_ListedWithStatus()
    {
        var registry = new PluginRegistry();
        registry.Register(GuardModule("spectral"), PluginSource.FirstParty);
        registry.AddUnavailable(new PluginEntry(PluginKind.Guard, new PluginDescriptor("acme_guard", new Version(2, 1), "x"),
            new PluginSource("Acme.Guards", new string('A', 64), "2.1.0")) { Status = PluginStatus.Disabled, StatusReason = PluginHostOptions.DisabledReason });

        IReadOnlyList<PluginEntry> entries = registry.Entries;

        Assert.Equal(["acme_guard", "spectral"], entries.Select(e => e.Name).ToArray());
        Assert.Equal("installed, disabled (INVARLOCK_ALLOW_THIRD_PARTY_PLUGINS not set)", entries[0].StatusText);
        Assert.Equal("third-party", entries[0].Source.Origin);
        Assert.Equal("enabled", entries[1].StatusText);
        Assert.Equal("first-party", entries[1].Source.Origin);
        Assert.Null(entries[1].SignerFingerprint);
    }

    [Fact]
    public void CreateGuard_RefusedThirdPartyName_ErrorCarriesReason()
    {
        var registry = new PluginRegistry();
        registry.AddUnavailable(new PluginEntry(PluginKind.Guard, new PluginDescriptor("acme_guard", new Version(1, 0), "x"),
            new PluginSource("Acme.Guards", null, "1.0.0")) { Status = PluginStatus.Refused, StatusReason = "file 'a.dll' changed since install" });

        var e = Assert.Throws<InvarLockException>(() => registry.CreateGuard("acme_guard"));

        Assert.Equal(ErrorCodes.PluginRefused, e.Code);
        Assert.Equal("guard 'acme_guard' comes from the installed third-party plugin Acme.Guards 1.0.0, which was refused: file 'a.dll' changed since install", e.Message);
    }

    [Fact]
    public void ExplainUnavailable_UnknownOrRegisteredName_ReturnsNull()
    {
        var registry = new PluginRegistry();
        registry.Register(GuardModule("spectral"), PluginSource.FirstParty);

        Assert.Null(registry.ExplainUnavailable(PluginKind.Guard, "spectral"));
        Assert.Null(registry.ExplainUnavailable(PluginKind.Guard, "nope"));
        Assert.Equal(ErrorCodes.UnknownPlugin, Assert.Throws<InvarLockException>(() => registry.CreateGuard("nope")).Code);
    }

    [Fact]
    public void Register_DuplicateName_ErrorNamesBothSources()
    {
        var registry = new PluginRegistry();
        registry.Register(GuardModule("acme_guard"), new PluginSource("Acme.One", null));

        var e = Assert.ThrowsAny<InvarLockException>(() => registry.Register(GuardModule("acme_guard"), new PluginSource("Acme.Two", null)));

        Assert.Equal("duplicate guard 'acme_guard': registered by Acme.One and again by Acme.Two", e.Message);
    }

    private static IPluginModule GuardModule(string name)
    {
        var module = new Mock<IPluginModule>();
        module.Setup(m => m.Register(It.IsAny<IPluginRegistrar>()))
            .Callback<IPluginRegistrar>(r => r.AddGuard(new PluginDescriptor(name, new Version(1, 0), "test"), () => Mock.Of<IGuard>()));
        return module.Object;
    }
}
