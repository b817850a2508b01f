[assembly: InvarLock.Sdk.Plugins.InvarLockPlugin(typeof(InvarLock.Metrics.MetricsPluginModule))]
