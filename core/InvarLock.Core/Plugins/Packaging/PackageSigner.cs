using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace InvarLock.Core.Plugins.Packaging;

/// <summary>Writes a NuGet author signature the way <c>dotnet nuget sign</c> does (without a timestamp): the CMS
/// SignedData over the NuGet signature content, appended as a stored <c>.signature.p7s</c> entry at the end of the
/// package. Used by the tests and by vendors who cannot run <c>dotnet nuget sign</c>.</summary>
public static class PackageSigner
{
    /// <summary>Signs an unsigned package.</summary>
    /// <param name="unsignedPackage">The package bytes as written by <c>dotnet pack</c>.</param>
    /// <param name="certificate">A code-signing certificate with its private key.</param>
    /// <param name="signingTime">The signing time to assert; defaults to now.</param>
    public static byte[] Sign(byte[] unsignedPackage, X509Certificate2 certificate, DateTimeOffset? signingTime = null)
    {
        ArgumentNullException.ThrowIfNull(unsignedPackage);
        ArgumentNullException.ThrowIfNull(certificate);
        PackageArchive archive = PackageArchive.Read(unsignedPackage, "package", PackageLimits.Default);
        if (archive.SignatureEntry is not null)
        {
            throw new InvalidOperationException("the package is already signed");
        }
        string hash = Convert.ToBase64String(SHA256.HashData(unsignedPackage));
        byte[] content = PackageSignatureVerifier.BuildContent("2.16.840.1.101.3.4.2.1", hash);
        var cms = new SignedCms(new ContentInfo(new Oid("1.2.840.113549.1.7.1"), content), detached: false);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate)
        {
            DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime((signingTime ?? DateTimeOffset.UtcNow).UtcDateTime));
        cms.ComputeSignature(signer, silent: true);
        return AppendStoredEntry(archive, PackageArchive.SignatureEntryName, cms.Encode());
    }

    /// <summary>Appends a stored entry as the last file and the last directory record, leaving every existing byte
    /// of the entries and directory where it was.</summary>
    internal static byte[] AppendStoredEntry(PackageArchive archive, string name, byte[] data)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        uint crc = Crc32.Compute(data);
        (ushort dosTime, ushort dosDate) = DosDateTime(DateTime.UtcNow);
        int localLength = 30 + nameBytes.Length + data.Length;
        int centralLength = 46 + nameBytes.Length;
        byte[] src = archive.Bytes;
        int cdOffset = (int)archive.CentralDirectoryOffset;
        int cdSize = (int)archive.CentralDirectorySize;
        int eocd = (int)archive.EndOfCentralDirectoryOffset;
        var result = new byte[src.Length + localLength + centralLength];
        var span = result.AsSpan();
        src.AsSpan(0, cdOffset).CopyTo(span);

        Span<byte> local = span.Slice(cdOffset, localLength);
        BinaryPrimitives.WriteUInt32LittleEndian(local, PackageArchive.LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(local[4..], 20);
        BinaryPrimitives.WriteUInt16LittleEndian(local[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(local[8..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(local[10..], dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(local[12..], dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(local[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(local[18..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(local[22..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(local[26..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(local[28..], 0);
        nameBytes.CopyTo(local[30..]);
        data.CopyTo(local[(30 + nameBytes.Length)..]);

        int newCdOffset = cdOffset + localLength;
        src.AsSpan(cdOffset, cdSize).CopyTo(span[newCdOffset..]);
        Span<byte> central = span.Slice(newCdOffset + cdSize, centralLength);
        BinaryPrimitives.WriteUInt32LittleEndian(central, PackageArchive.CentralHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(central[4..], 20);
        BinaryPrimitives.WriteUInt16LittleEndian(central[6..], 20);
        BinaryPrimitives.WriteUInt16LittleEndian(central[8..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(central[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(central[12..], dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(central[14..], dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(central[16..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(central[20..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(central[24..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(central[28..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(central[42..], (uint)cdOffset);
        nameBytes.CopyTo(central[46..]);

        Span<byte> end = span[(newCdOffset + cdSize + centralLength)..];
        src.AsSpan(eocd).CopyTo(end);
        ushort count = (ushort)(archive.Entries.Count + 1);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)(cdSize + centralLength));
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], (uint)newCdOffset);
        return result;
    }

    private static (ushort Time, ushort Date) DosDateTime(DateTime t) =>
        ((ushort)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2)), (ushort)(((t.Year - 1980) << 9) | (t.Month << 5) | t.Day));
}

/// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as zip uses it.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
