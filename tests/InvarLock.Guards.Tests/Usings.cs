global using Xunit;
global using InvarLock.Sdk.Testing;
