using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace InvarLock.Core.Tests.Plugins;

/// <summary>Test support: writes a NuGet author signature the way <c>dotnet nuget sign</c> does (without a timestamp):
/// the CMS SignedData over the NuGet signature content, appended as a stored <c>.signature.p7s</c> entry at the end of
/// the package. Self-contained (framework APIs only) so the Core and CLI tests compile the same file.
/// <c>PackageSignatureTests.Verify_PackageSignedByDotnetNugetSign_Verifies</c> shows the real tool's output verifies
/// too.</summary>
internal static class PackageSigner
{
    private const string SignatureEntryName = ".signature.p7s";
    private const string Sha256Oid = "2.16.840.1.101.3.4.2.1";
    private const uint LocalHeaderSignature = 0x04034b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint EndOfCentralDirectorySignature = 0x06054b50;

    /// <summary>Signs an unsigned package.</summary>
    /// <param name="unsignedPackage">The package bytes as written by <c>dotnet pack</c>.</param>
    /// <param name="certificate">A code-signing certificate with its private key.</param>
    /// <param name="signingTime">The signing time to assert; defaults to now.</param>
    public static byte[] Sign(byte[] unsignedPackage, X509Certificate2 certificate, DateTimeOffset? signingTime = null)
    {
        ArgumentNullException.ThrowIfNull(unsignedPackage);
        ArgumentNullException.ThrowIfNull(certificate);
        using (var zip = new ZipArchive(new MemoryStream(unsignedPackage, writable: false), ZipArchiveMode.Read))
        {
            if (zip.GetEntry(SignatureEntryName) is not null)
            {
                throw new InvalidOperationException("the package is already signed");
            }
        }
        string hash = Convert.ToBase64String(SHA256.HashData(unsignedPackage));
        byte[] content = Encoding.UTF8.GetBytes($"Version:1\n\n{Sha256Oid}-Hash:{hash}\n\n");
        var cms = new SignedCms(new ContentInfo(new Oid("1.2.840.113549.1.7.1"), content), detached: false);
        var signer = new CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, certificate)
        {
            DigestAlgorithm = new Oid(Sha256Oid),
            IncludeOption = X509IncludeOption.EndCertOnly,
        };
        signer.SignedAttributes.Add(new Pkcs9SigningTime((signingTime ?? DateTimeOffset.UtcNow).UtcDateTime));
        cms.ComputeSignature(signer, silent: true);
        return AppendStoredEntry(unsignedPackage, SignatureEntryName, cms.Encode());
    }

    /// <summary>Appends a stored entry as the last file and the last directory record, leaving every existing byte
    /// of the entries and directory where it was (a zip without comment or zip64 records, as <c>dotnet pack</c>
    /// writes).</summary>
    public static byte[] AppendStoredEntry(byte[] package, string name, byte[] data)
    {
        int eocd = package.Length - 22;
        if (eocd < 0 || BinaryPrimitives.ReadUInt32LittleEndian(package.AsSpan(eocd)) != EndOfCentralDirectorySignature)
        {
            throw new InvalidOperationException("the package has a zip comment or is not a zip");
        }
        ushort entryCount = BinaryPrimitives.ReadUInt16LittleEndian(package.AsSpan(eocd + 10));
        int cdSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(package.AsSpan(eocd + 12));
        int cdOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(package.AsSpan(eocd + 16));

        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        uint crc = Crc32(data);
        (ushort dosTime, ushort dosDate) = DosDateTime(DateTime.UtcNow);
        int localLength = 30 + nameBytes.Length + data.Length;
        int centralLength = 46 + nameBytes.Length;
        var result = new byte[package.Length + localLength + centralLength];
        var span = result.AsSpan();
        package.AsSpan(0, cdOffset).CopyTo(span);

        Span<byte> local = span.Slice(cdOffset, localLength);
        BinaryPrimitives.WriteUInt32LittleEndian(local, LocalHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(local[4..], 20);
        BinaryPrimitives.WriteUInt16LittleEndian(local[10..], dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(local[12..], dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(local[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(local[18..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(local[22..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(local[26..], (ushort)nameBytes.Length);
        nameBytes.CopyTo(local[30..]);
        data.CopyTo(local[(30 + nameBytes.Length)..]);

        int newCdOffset = cdOffset + localLength;
        package.AsSpan(cdOffset, cdSize).CopyTo(span[newCdOffset..]);
        Span<byte> central = span.Slice(newCdOffset + cdSize, centralLength);
        BinaryPrimitives.WriteUInt32LittleEndian(central, CentralHeaderSignature);
        BinaryPrimitives.WriteUInt16LittleEndian(central[4..], 20);
        BinaryPrimitives.WriteUInt16LittleEndian(central[6..], 20);
        BinaryPrimitives.WriteUInt16LittleEndian(central[12..], dosTime);
        BinaryPrimitives.WriteUInt16LittleEndian(central[14..], dosDate);
        BinaryPrimitives.WriteUInt32LittleEndian(central[16..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(central[20..], (uint)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(central[24..], (uint)data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(central[28..], (ushort)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(central[42..], (uint)cdOffset);
        nameBytes.CopyTo(central[46..]);

        Span<byte> end = span[(newCdOffset + cdSize + centralLength)..];
        package.AsSpan(eocd).CopyTo(end);
        ushort count = (ushort)(entryCount + 1);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)(cdSize + centralLength));
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], (uint)newCdOffset);
        return result;
    }

    private static (ushort Time, ushort Date) DosDateTime(DateTime t) =>
        ((ushort)((t.Hour << 11) | (t.Minute << 5) | (t.Second / 2)), (ushort)(((t.Year - 1980) << 9) | (t.Month << 5) | t.Day));

    /// <summary>CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as zip uses it.</summary>
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }
}
