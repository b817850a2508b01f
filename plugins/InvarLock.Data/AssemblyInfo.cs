[assembly: InvarLock.Sdk.Plugins.InvarLockPlugin(typeof(InvarLock.Data.DataPluginModule))]
