global using InvarLock.Sdk.Canonical;
