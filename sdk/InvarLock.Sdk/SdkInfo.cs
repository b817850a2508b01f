namespace InvarLock.Sdk;

/// <summary>Version information of the SDK contract assembly shared by the host and every plugin.</summary>
public static class SdkInfo
{
    /// <summary>The SDK contract version. Plugins built against the same major and a minor not above this load.</summary>
    public static Version Version { get; } = new(1, 0);
}
