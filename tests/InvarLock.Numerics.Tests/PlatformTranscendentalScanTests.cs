using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace InvarLock.Numerics.Tests;

/// <summary>Every report statistic and guard decision must use <see cref="DeterministicMath"/>, never the C runtime's
/// transcendental functions (which may differ in the last bit between Windows, Linux and macOS). This scans the compiled IL
/// of the core and guards assemblies for calls to them (issue 8).</summary>
public sealed class PlatformTranscendentalScanTests
{
    private static readonly HashSet<string> ForbiddenTypes = ["System.Math", "System.MathF", "System.Double", "System.Single"];

    private static readonly HashSet<string> ForbiddenMethods =
    [
        "Exp", "Exp2", "Exp10", "ExpM1", "Exp2M1", "Exp10M1", "Log", "Log10", "Log2", "LogP1", "Log2P1", "Log10P1", "ILogB",
        "Pow", "Tanh", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Atan", "Atan2", "Asin", "Acos", "Sin", "Cos", "Tan",
        "SinCos", "SinPi", "CosPi", "TanPi", "Cbrt", "RootN", "Hypot",
    ];

    private static readonly Dictionary<short, OperandType> OperandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value, o => o.OperandType);

    [Theory]
    [InlineData("InvarLock.Core.dll")]
    [InlineData("InvarLock.Guards.dll")]
    public void Assembly_CallsNoPlatformTranscendental(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, fileName);
        List<string> offenders = PlatformTranscendentalCalls(path);
        Assert.True(offenders.Count == 0,
            $"{fileName} calls platform transcendental functions (use InvarLock.Numerics.DeterministicMath):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Scanner_FindsACallToMathExp()
    {
        // The test assembly itself calls Math.Exp (below), so the scanner must report it.
        _ = Math.Exp(1.0);
        List<string> offenders = PlatformTranscendentalCalls(typeof(PlatformTranscendentalScanTests).Assembly.Location);
        Assert.Contains(offenders, o => o.Contains(nameof(Scanner_FindsACallToMathExp), StringComparison.Ordinal)
            && o.Contains("System.Math::Exp", StringComparison.Ordinal));
    }

    /// <summary>"Type::Method calls System.Math::Exp" for every call, callvirt, ldftn or ldvirtftn of a forbidden method.</summary>
    private static List<string> PlatformTranscendentalCalls(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var offenders = new List<string>();
        foreach (TypeDefinitionHandle typeHandle in md.TypeDefinitions)
        {
            TypeDefinition type = md.GetTypeDefinition(typeHandle);
            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = md.GetMethodDefinition(methodHandle);
                if (method.RelativeVirtualAddress == 0)
                {
                    continue;
                }

                byte[] il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes() ?? [];
                foreach (int token in CalledTokens(il))
                {
                    if (Callee(md, MetadataTokens.EntityHandle(token)) is (string calleeType, string calleeName)
                        && ForbiddenTypes.Contains(calleeType) && ForbiddenMethods.Contains(calleeName))
                    {
                        offenders.Add($"{FullName(md, type)}::{md.GetString(method.Name)} calls {calleeType}::{calleeName}");
                    }
                }
            }
        }

        return offenders;
    }

    private static IEnumerable<int> CalledTokens(byte[] il)
    {
        int i = 0;
        while (i < il.Length)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            OperandType operand = OperandTypes[value];
            if (value is 0x28 or 0x6F or unchecked((short)0xFE06) or unchecked((short)0xFE07)) // call, callvirt, ldftn, ldvirtftn
            {
                yield return BitConverter.ToInt32(il, i);
            }

            i += operand switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }

    private static (string Type, string Name)? Callee(MetadataReader md, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MemberReference:
                MemberReference member = md.GetMemberReference((MemberReferenceHandle)handle);
                return member.Parent.Kind == HandleKind.TypeReference
                    ? (FullName(md, md.GetTypeReference((TypeReferenceHandle)member.Parent)), md.GetString(member.Name))
                    : null;
            case HandleKind.MethodSpecification:
                return Callee(md, md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            default:
                return null; // a method of the scanned assembly itself
        }
    }

    private static string FullName(MetadataReader md, TypeReference type) =>
        md.GetString(type.Namespace) is { Length: > 0 } ns ? $"{ns}.{md.GetString(type.Name)}" : md.GetString(type.Name);

    private static string FullName(MetadataReader md, TypeDefinition type)
    {
        string name = md.GetString(type.Name);
        if (type.GetDeclaringType() is { IsNil: false } outer)
        {
            return $"{FullName(md, md.GetTypeDefinition(outer))}+{name}";
        }

        return md.GetString(type.Namespace) is { Length: > 0 } ns ? $"{ns}.{name}" : name;
    }
}
