global using InvarLock.Sdk.Canonical;
global using InvarLock.Core.Tests.TestSupport;
