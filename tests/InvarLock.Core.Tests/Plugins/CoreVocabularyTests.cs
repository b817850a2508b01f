using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using InvarLock.Core.Policy;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Core names no first-party guard or edit: their vocabulary lives in the plugins that own it.</summary>
public sealed class CoreVocabularyTests
{
    [Fact]
    public void CoreAssembly_UserStrings_NameNoFirstPartyGuardOrEdit()
    {
        string path = typeof(PolicyResolver).Assembly.Location;
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var names = new Regex(@"spectral|rmt|variance|invariants|quant_rtn|noop", RegexOptions.IgnoreCase);
        var hits = new List<string>();
        int count = 0;
        for (UserStringHandle h = MetadataTokens.UserStringHandle(1); !h.IsNil; h = reader.GetNextHandle(h))
        {
            string s = reader.GetUserString(h);
            count++;
            if (names.IsMatch(s))
            {
                hits.Add(s);
            }
        }

        Assert.True(count > 100, $"only {count} user strings read from {path}");
        Assert.Empty(hits);
    }
}
