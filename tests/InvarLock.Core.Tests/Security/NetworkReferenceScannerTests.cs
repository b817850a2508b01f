using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace InvarLock.Core.Tests.Security;

/// <summary>Proves "nothing in the tool opens a socket except through NetworkGate": every method body of every
/// InvarLock assembly is scanned (IL operands resolved to types) for uses of networking types; the only type allowed
/// to use them is <c>InvarLock.Core.Security.NetworkGate</c>.</summary>
public sealed class NetworkReferenceScannerTests
{
    private const string AllowedType = "InvarLock.Core.Security.NetworkGate";

    private static readonly string[] NetworkNamespaces =
        ["System.Net.Sockets", "System.Net.Http", "System.Net.WebSockets", "System.Net.Quic", "System.Net.Security", "System.Net.NetworkInformation"];

    private static readonly string[] NetworkTypesInSystemNet =
        ["WebClient", "WebRequest", "HttpWebRequest", "FtpWebRequest", "FileWebRequest", "Dns", "HttpListener", "IPEndPoint", "DnsEndPoint"];

    [Fact]
    public void InvarLockAssemblies_UseNetworkTypesOnlyInNetworkGate()
    {
        List<string> assemblies = FindInvarLockAssemblies();
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        var gateUses = new SortedSet<string>(StringComparer.Ordinal);

        foreach (string path in assemblies)
        {
            foreach ((string user, string networkType) in NetworkUses(path))
            {
                (user == AllowedType ? gateUses : offenders).Add($"{Path.GetFileName(path)}: {user} uses {networkType}");
            }
        }

        Assert.Contains(assemblies, p => Path.GetFileName(p) == "InvarLock.Core.dll");
        Assert.NotEmpty(gateUses); // the scanner does see the gate's own socket use, so it can see others
        Assert.Empty(offenders);
    }

    /// <summary>InvarLock assemblies beside the tests, plus the CLI's build output (every first-party assembly) when built.</summary>
    private static List<string> FindInvarLockAssemblies()
    {
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(string dir)
        {
            if (!Directory.Exists(dir))
            {
                return;
            }
            foreach (string f in Directory.GetFiles(dir, "InvarLock.*.dll"))
            {
                if (!Path.GetFileName(f).Contains(".Tests", StringComparison.Ordinal))
                {
                    found.TryAdd(Path.GetFileName(f), f);
                }
            }
            string cli = Path.Combine(dir, "invarlock.dll");
            if (File.Exists(cli))
            {
                found.TryAdd("invarlock.dll", cli);
            }
        }
        Add(AppContext.BaseDirectory);
        string root = Plugins.SamplePluginFixture.FindRepositoryRoot();
        string cliBin = Path.Combine(root, "hosts", "InvarLock.Cli", "bin");
        if (Directory.Exists(cliBin))
        {
            foreach (string dir in Directory.GetDirectories(cliBin, "net10.0", SearchOption.AllDirectories))
            {
                Add(dir);
            }
        }
        return found.Values.ToList();
    }

    private static IEnumerable<(string User, string NetworkType)> NetworkUses(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var results = new List<(string, string)>();
        foreach (TypeDefinitionHandle th in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(th);
            string user = OutermostName(md, type);
            foreach (MethodDefinitionHandle mh in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(mh);
                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }
                MethodBodyBlock body = pe.GetMethodBody(method.RelativeVirtualAddress);
                foreach (int token in Tokens(body.GetILBytes()!))
                {
                    string? name = TypeOfToken(md, token);
                    if (name is not null && IsNetworkType(name))
                    {
                        results.Add((user, name));
                    }
                }
            }
        }
        return results;
    }

    private static bool IsNetworkType(string fullName)
    {
        foreach (string ns in NetworkNamespaces)
        {
            if (fullName.StartsWith(ns + ".", StringComparison.Ordinal))
            {
                return true;
            }
        }
        foreach (string t in NetworkTypesInSystemNet)
        {
            if (fullName == "System.Net." + t)
            {
                return true;
            }
        }
        return false;
    }

    private static string OutermostName(MetadataReader md, TypeDefinition type)
    {
        while (type.GetDeclaringType() is { IsNil: false } parent)
        {
            type = md.GetTypeDefinition(parent);
        }
        return $"{md.GetString(type.Namespace)}.{md.GetString(type.Name)}";
    }

    /// <summary>The metadata tokens that are operands of IL instructions (method, field, type and token operands).</summary>
    private static IEnumerable<int> Tokens(byte[] il)
    {
        int i = 0;
        while (i < il.Length)
        {
            OpCode op;
            if (il[i] == 0xFE)
            {
                op = TwoByte[il[i + 1]];
                i += 2;
            }
            else
            {
                op = OneByte[il[i]];
                i += 1;
            }
            switch (op.OperandType)
            {
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    yield return BitConverter.ToInt32(il, i);
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    int n = BitConverter.ToInt32(il, i);
                    i += 4 + 4 * n;
                    break;
                default:
                    i += OperandSize(op.OperandType);
                    break;
            }
        }
    }

    private static int OperandSize(OperandType t) => t switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };

    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];

    static NetworkReferenceScannerTests()
    {
        foreach (FieldInfo f in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)f.GetValue(null)!;
            ushort v = unchecked((ushort)op.Value);
            if (op.Size == 1)
            {
                OneByte[v] = op;
            }
            else
            {
                TwoByte[v & 0xFF] = op;
            }
        }
    }

    private static string? TypeOfToken(MetadataReader md, int token)
    {
        EntityHandle handle = MetadataTokens.EntityHandle(token);
        return handle.Kind switch
        {
            HandleKind.TypeReference => TypeRefName(md, (TypeReferenceHandle)handle),
            HandleKind.MemberReference => ParentName(md, md.GetMemberReference((MemberReferenceHandle)handle).Parent),
            HandleKind.MethodSpecification => TypeOfToken(md, MetadataTokens.GetToken(md.GetMethodSpecification((MethodSpecificationHandle)handle).Method)),
            HandleKind.TypeSpecification => null,
            _ => null,
        };
    }

    private static string? ParentName(MetadataReader md, EntityHandle parent) => parent.Kind switch
    {
        HandleKind.TypeReference => TypeRefName(md, (TypeReferenceHandle)parent),
        HandleKind.TypeSpecification => GenericBaseName(md, (TypeSpecificationHandle)parent),
        _ => null,
    };

    private static string? GenericBaseName(MetadataReader md, TypeSpecificationHandle spec)
    {
        BlobReader blob = md.GetBlobReader(md.GetTypeSpecification(spec).Signature);
        if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
        {
            return null;
        }
        blob.ReadByte();
        EntityHandle h = blob.ReadTypeHandle();
        return h.Kind == HandleKind.TypeReference ? TypeRefName(md, (TypeReferenceHandle)h) : null;
    }

    private static string TypeRefName(MetadataReader md, TypeReferenceHandle handle)
    {
        TypeReference r = md.GetTypeReference(handle);
        while (r.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            r = md.GetTypeReference((TypeReferenceHandle)r.ResolutionScope);
        }
        return $"{md.GetString(r.Namespace)}.{md.GetString(r.Name)}";
    }
}
