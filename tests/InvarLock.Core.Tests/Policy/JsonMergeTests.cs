using System.Text.Json.Nodes;
using InvarLock.Core.Policy;

namespace InvarLock.Core.Tests.Policy;

public sealed class JsonMergeTests
{
    [Fact]
    public void Into_NestedObjects_MergeKeyByKey()
    {
        var target = (JsonObject)JsonNode.Parse("""{"a":{"x":1,"y":{"p":1,"q":2}},"b":1}""")!;

        JsonMerge.Into(target, (JsonObject)JsonNode.Parse("""{"a":{"y":{"q":3},"z":4},"c":5}""")!);

        Assert.Equal("""{"a":{"x":1,"y":{"p":1,"q":3},"z":4},"b":1,"c":5}""", target.ToJsonString());
    }

    [Fact]
    public void Into_ArraysAndScalars_Replaced()
    {
        var target = (JsonObject)JsonNode.Parse("""{"list":[1,2,3],"n":1,"o":{"k":1},"s":2}""")!;

        JsonMerge.Into(target, (JsonObject)JsonNode.Parse("""{"list":[9],"n":{"k":2},"o":7,"s":null}""")!);

        Assert.Equal("""{"list":[9],"n":{"k":2},"o":7,"s":null}""", target.ToJsonString());
    }

    [Fact]
    public void Into_Overlay_LeftUnchangedAndNotShared()
    {
        var overlay = (JsonObject)JsonNode.Parse("""{"a":{"b":[1]},"c":{"d":1}}""")!;
        var target = new JsonObject { ["c"] = new JsonObject() };

        JsonMerge.Into(target, overlay);
        ((JsonArray)target["a"]!["b"]!).Add(2);
        target["c"]!["d"] = 5;

        Assert.Equal("""{"a":{"b":[1]},"c":{"d":1}}""", overlay.ToJsonString());
    }
}
