[assembly: InvarLock.Sdk.Plugins.InvarLockPlugin(typeof(InvarLock.Edits.EditsPluginModule))]
