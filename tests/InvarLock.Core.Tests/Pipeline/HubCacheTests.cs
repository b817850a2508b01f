using InvarLock.Core.Pipeline;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Tests.Pipeline;

public sealed class HubCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("invarlock-hubcache-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Func<string, string?> Env(params (string Key, string Value)[] pairs)
    {
        var map = pairs.ToDictionary(p => p.Key, p => p.Value);
        return key => map.TryGetValue(key, out string? v) ? v : null;
    }

    private string Snapshot(string hub, string repo, string commit)
    {
        string path = Path.Combine(hub, "models--" + repo.Replace("/", "--"), "snapshots", commit);
        Directory.CreateDirectory(path);
        return path;
    }

    [Theory]
    [InlineData("meta-llama/Llama-3.2-1B", true)]
    [InlineData("Qwen/Qwen3-0.6B@main", true)]
    [InlineData("org/name@0123abc", true)]
    [InlineData("./org/name", false)]
    [InlineData("/abs/path", false)]
    [InlineData("a/b/c", false)]
    [InlineData("org/..", false)]
    [InlineData("org/name@../x", false)]
    public void LooksLikeReference_Shapes_Classified(string spec, bool expected) =>
        Assert.Equal(expected, HubCache.LooksLikeReference(spec));

    [Fact]
    public void Roots_HubCacheThenHfHomeThenUserCache_InThatOrder()
    {
        Assert.Equal(["/c"], HubCache.Roots(Env(("HF_HUB_CACHE", "/c"), ("HF_HOME", "/h"), ("HOME", "/u"))));
        Assert.Equal([Path.Combine("/h", "hub")], HubCache.Roots(Env(("HF_HOME", "/h"), ("HOME", "/u"))));
        Assert.Equal([Path.Combine("/u", ".cache", "huggingface", "hub")], HubCache.Roots(Env(("HOME", "/u"))));
    }

    [Fact]
    public void Resolve_BranchRef_FollowsRefsFileToSnapshot()
    {
        string expected = Snapshot(_root, "org/model", "abc123");
        Snapshot(_root, "org/model", "old999");
        string refs = Path.Combine(_root, "models--org--model", "refs");
        Directory.CreateDirectory(refs);
        File.WriteAllText(Path.Combine(refs, "main"), "abc123\n");
        Assert.Equal(expected, HubCache.Resolve("org/model", Env(("HF_HUB_CACHE", _root)), "--baseline"));
    }

    [Fact]
    public void Resolve_CommitRevision_UsesSnapshotDirectly()
    {
        string expected = Snapshot(_root, "org/model", "old999");
        Assert.Equal(expected, HubCache.Resolve("org/model@old999", Env(("HF_HUB_CACHE", _root)), "--baseline"));
    }

    [Fact]
    public void Resolve_HfHomeLayout_FindsHubSubfolder()
    {
        string expected = Snapshot(Path.Combine(_root, "hub"), "org/model", "c0ffee");
        Assert.Equal(expected, HubCache.Resolve("org/model@c0ffee", Env(("HF_HOME", _root)), "--subject"));
    }

    [Fact]
    public void Resolve_Missing_ThrowsMissingFileListingSearchedFolder()
    {
        var e = Assert.Throws<InvarLockException>(() => HubCache.Resolve("org/none", Env(("HF_HUB_CACHE", _root)), "--baseline"));
        Assert.Equal(ErrorCodes.MissingFile, e.Code);
        Assert.Contains(Path.Combine(_root, "models--org--none", "snapshots", "main"), e.Message);
        Assert.Contains("nothing is downloaded", e.Message);
    }

    [Fact]
    public void Resolve_RefNamingTraversal_IsNotFollowed()
    {
        Snapshot(_root, "org/model", "abc");
        string refs = Path.Combine(_root, "models--org--model", "refs");
        Directory.CreateDirectory(refs);
        File.WriteAllText(Path.Combine(refs, "main"), "../../..");
        Assert.Throws<InvarLockException>(() => HubCache.Resolve("org/model", Env(("HF_HUB_CACHE", _root)), "--baseline"));
    }
}
