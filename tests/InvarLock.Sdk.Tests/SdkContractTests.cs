using InvarLock.Sdk;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Guards;
using InvarLock.Sdk.Models;
using InvarLock.Sdk.Plugins;
using Moq;

namespace InvarLock.Sdk.Tests;

public sealed class SdkContractTests
{
    [Fact]
    public void WindowLoss_MeanLoss_IsSumOverTokens()
    {
        Assert.Equal(2.5, new WindowLoss(10, 4).MeanLoss);
        Assert.True(double.IsNaN(new WindowLoss(0, 0).MeanLoss));
    }

    [Fact]
    public void ParameterInfo_ElementCount_IsShapeProduct()
    {
        Assert.Equal(3L * 4 * 5, new ParameterInfo("w", [3, 4, 5]).ElementCount);
        Assert.Equal(1L, new ParameterInfo("scalar", []).ElementCount);
    }

    [Fact]
    public void GuardOutcome_Pass_HasNoViolationsAndNoAction()
    {
        GuardOutcome pass = GuardOutcome.Pass();
        Assert.True(pass.Passed);
        Assert.Equal(GuardAction.None, pass.Action);
        Assert.Empty(pass.Violations);
        Assert.Empty(pass.Metrics);
    }

    [Fact]
    public void GuardAction_Ordering_IsNoneWarnRollbackAbort()
    {
        Assert.True(GuardAction.None < GuardAction.Warn);
        Assert.True(GuardAction.Warn < GuardAction.Rollback);
        Assert.True(GuardAction.Rollback < GuardAction.Abort);
    }

    [Fact]
    public void ModelProbe_Factories_SetCanLoadAndReason()
    {
        Assert.True(ModelProbe.Supported("gpt2").CanLoad);
        ModelProbe no = ModelProbe.Unsupported("no config.json");
        Assert.False(no.CanLoad);
        Assert.Equal("no config.json", no.Reason);
    }

    [Fact]
    public void GuardContext_NullModel_Throws()
    {
        Assert.Throws<ArgumentNullException>(() =>
            new GuardContext(null!, default, [], new GuardRunInfo("balanced", "dev", null, 1)));
    }

    [Fact]
    public void PluginModule_RegistersThroughRegistrar()
    {
        var guard = new Mock<IGuard>();
        var descriptor = new PluginDescriptor("my_guard", new Version(1, 2), "test guard");
        guard.SetupGet(g => g.Descriptor).Returns(descriptor);
        var registrar = new Mock<IPluginRegistrar>();
        var module = new Mock<IPluginModule>();
        module.Setup(m => m.Register(It.IsAny<IPluginRegistrar>()))
            .Callback<IPluginRegistrar>(r => r.AddGuard(descriptor, () => guard.Object));

        module.Object.Register(registrar.Object);

        registrar.Verify(r => r.AddGuard(descriptor, It.IsAny<Func<IGuard>>()), Times.Once);
    }

    [Fact]
    public void InvarLockException_CarriesCodeAndExitCode()
    {
        var ex = new InvarLockException(ErrorCodes.MalformedSafetensors, "/m/model.safetensors: header too long");
        Assert.Equal("IL2002", ex.Code.Id);
        Assert.Equal(2, ex.Code.ExitCode);
        Assert.Equal(3, ErrorCodes.Aborted.ExitCode);
    }

    [Fact]
    public void ErrorCodes_AreUnique()
    {
        var ids = new HashSet<string>();
        foreach (var field in typeof(ErrorCodes).GetFields())
        {
            var code = (ErrorCode)field.GetValue(null)!;
            Assert.True(ids.Add(code.Id), $"duplicate error code {code.Id}");
        }
        Assert.True(ids.Count >= 10);
    }

    [Fact]
    public void SdkInfo_Version_IsOnePointZero()
    {
        Assert.Equal(new Version(1, 0), SdkInfo.Version);
        Assert.Equal("invarlock-plugin.json", PluginManifest.FileName);
    }
}
