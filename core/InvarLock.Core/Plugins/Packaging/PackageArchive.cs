using System.Buffers.Binary;
using System.Text;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Plugins.Packaging;

/// <summary>One entry of the zip central directory.</summary>
internal sealed record ZipEntryRecord(
    string Name,
    ushort VersionMadeBy,
    ushort Flags,
    ushort Method,
    uint Crc32,
    long CompressedSize,
    long UncompressedSize,
    long LocalHeaderOffset,
    uint ExternalAttributes,
    long CentralRecordOffset,
    int CentralRecordLength)
{
    /// <summary>True for an entry that names a folder.</summary>
    public bool IsDirectory => Name.EndsWith('/');

    /// <summary>True when the entry was made on Unix with a symbolic-link file mode.</summary>
    public bool IsSymbolicLink => (VersionMadeBy >> 8) == 3 && ((ExternalAttributes >> 16) & 0xF000) == 0xA000;
}

/// <summary>A zip (NuGet package) read from bytes: its central directory, parsed strictly, and the layout facts the
/// NuGet signature format depends on. Zip64, multi-disk and encrypted archives are refused.</summary>
internal sealed class PackageArchive
{
    internal const uint LocalHeaderSignature = 0x04034b50;
    internal const uint CentralHeaderSignature = 0x02014b50;
    internal const uint EndOfCentralDirectorySignature = 0x06054b50;
    internal const uint Zip64LocatorSignature = 0x07064b50;

    /// <summary>The file name of a NuGet package signature.</summary>
    public const string SignatureEntryName = ".signature.p7s";

    private PackageArchive(string displayName, byte[] bytes, List<ZipEntryRecord> entries, long eocdOffset,
        long centralDirectoryOffset, long centralDirectorySize)
    {
        DisplayName = displayName;
        Bytes = bytes;
        Entries = entries;
        EndOfCentralDirectoryOffset = eocdOffset;
        CentralDirectoryOffset = centralDirectoryOffset;
        CentralDirectorySize = centralDirectorySize;
    }

    public string DisplayName { get; }

    public byte[] Bytes { get; }

    /// <summary>Entries in central-directory order.</summary>
    public IReadOnlyList<ZipEntryRecord> Entries { get; }

    public long EndOfCentralDirectoryOffset { get; }

    public long CentralDirectoryOffset { get; }

    public long CentralDirectorySize { get; }

    /// <summary>The signature entry, or null for an unsigned package.</summary>
    public ZipEntryRecord? SignatureEntry
    {
        get
        {
            foreach (ZipEntryRecord e in Entries)
            {
                if (string.Equals(e.Name, SignatureEntryName, StringComparison.Ordinal))
                {
                    return e;
                }
            }
            return null;
        }
    }

    /// <summary>Parses <paramref name="bytes"/>; throws <see cref="ErrorCodes.PluginRefused"/> naming
    /// <paramref name="displayName"/> for anything malformed or out of bounds.</summary>
    public static PackageArchive Read(byte[] bytes, string displayName, PackageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.LongLength > limits.MaxPackageBytes)
        {
            throw Refuse(displayName, $"package is larger than {limits.MaxPackageBytes} bytes");
        }
        long eocd = FindEndOfCentralDirectory(bytes) ?? throw Refuse(displayName, "not a zip archive (no end-of-central-directory record)");
        var span = bytes.AsSpan();
        ushort disk = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(eocd + 4)..]);
        ushort cdDisk = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(eocd + 6)..]);
        ushort countOnDisk = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(eocd + 8)..]);
        ushort count = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(eocd + 10)..]);
        uint cdSize = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(eocd + 12)..]);
        uint cdOffset = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(eocd + 16)..]);
        if (disk != 0 || cdDisk != 0 || countOnDisk != count)
        {
            throw Refuse(displayName, "multi-disk zip archives are not supported");
        }
        if (count == 0xFFFF || cdSize == 0xFFFFFFFF || cdOffset == 0xFFFFFFFF
            || (eocd >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(eocd - 20)..]) == Zip64LocatorSignature))
        {
            throw Refuse(displayName, "zip64 archives are not supported");
        }
        if (count > limits.MaxEntries)
        {
            throw Refuse(displayName, $"has {count} entries; at most {limits.MaxEntries} are allowed");
        }
        if ((long)cdOffset + cdSize != eocd)
        {
            throw Refuse(displayName, "central directory does not end where the end record begins (extra or missing bytes)");
        }
        var entries = new List<ZipEntryRecord>(count);
        long pos = cdOffset;
        for (int i = 0; i < count; i++)
        {
            if (pos + 46 > eocd || BinaryPrimitives.ReadUInt32LittleEndian(span[(int)pos..]) != CentralHeaderSignature)
            {
                throw Refuse(displayName, $"central directory record {i} is malformed");
            }
            ReadOnlySpan<byte> h = span.Slice((int)pos, 46);
            ushort madeBy = BinaryPrimitives.ReadUInt16LittleEndian(h[4..]);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
            ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
            uint csize = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            uint usize = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            ushort nameLen = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            ushort extraLen = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            ushort commentLen = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            ushort startDisk = BinaryPrimitives.ReadUInt16LittleEndian(h[34..]);
            uint external = BinaryPrimitives.ReadUInt32LittleEndian(h[38..]);
            uint localOffset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            int length = 46 + nameLen + extraLen + commentLen;
            if (pos + length > eocd)
            {
                throw Refuse(displayName, $"central directory record {i} runs past the directory");
            }
            if ((flags & 0x1) != 0)
            {
                throw Refuse(displayName, $"entry {i} is encrypted");
            }
            if (startDisk != 0 || csize == 0xFFFFFFFF || usize == 0xFFFFFFFF || localOffset == 0xFFFFFFFF)
            {
                throw Refuse(displayName, $"entry {i} uses zip64 or multi-disk fields");
            }
            if (method is not (0 or 8))
            {
                throw Refuse(displayName, $"entry {i} uses unsupported compression method {method}");
            }
            if ((long)localOffset + 30 > cdOffset)
            {
                throw Refuse(displayName, $"entry {i} points outside the archive");
            }
            string name;
            try
            {
                name = new UTF8Encoding(false, true).GetString(span.Slice((int)pos + 46, nameLen));
            }
            catch (DecoderFallbackException)
            {
                throw Refuse(displayName, $"entry {i} has a name that is not valid UTF-8");
            }
            entries.Add(new ZipEntryRecord(name, madeBy, flags, method, crc, csize, usize, localOffset, external, pos, length));
            pos += length;
        }
        if (pos != eocd)
        {
            throw Refuse(displayName, "central directory size does not match its records");
        }
        return new PackageArchive(displayName, bytes, entries, eocd, cdOffset, cdSize);
    }

    /// <summary>The size of an entry's local header plus data (plus data descriptor).</summary>
    public long LocalEntryLength(ZipEntryRecord entry)
    {
        var span = Bytes.AsSpan();
        long at = entry.LocalHeaderOffset;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span[(int)at..]) != LocalHeaderSignature)
        {
            throw Refuse(DisplayName, $"entry '{entry.Name}' has no local header where the directory says");
        }
        ushort nameLen = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(at + 26)..]);
        ushort extraLen = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(at + 28)..]);
        long length = 30L + nameLen + extraLen + entry.CompressedSize;
        if ((entry.Flags & 0x8) != 0)
        {
            long descriptorAt = at + length;
            bool hasSignature = descriptorAt + 4 <= CentralDirectoryOffset
                && BinaryPrimitives.ReadUInt32LittleEndian(span[(int)descriptorAt..]) == 0x08074b50;
            length += hasSignature ? 16 : 12;
        }
        if (at + length > CentralDirectoryOffset)
        {
            throw Refuse(DisplayName, $"entry '{entry.Name}' runs into the central directory");
        }
        return length;
    }

    /// <summary>The raw (stored) bytes of an uncompressed entry.</summary>
    public ReadOnlySpan<byte> StoredData(ZipEntryRecord entry)
    {
        if (entry.Method != 0 || entry.CompressedSize != entry.UncompressedSize)
        {
            throw Refuse(DisplayName, $"entry '{entry.Name}' must be stored without compression");
        }
        var span = Bytes.AsSpan();
        long at = entry.LocalHeaderOffset;
        ushort nameLen = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(at + 26)..]);
        ushort extraLen = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(at + 28)..]);
        long dataAt = at + 30 + nameLen + extraLen;
        if (dataAt + entry.CompressedSize > CentralDirectoryOffset)
        {
            throw Refuse(DisplayName, $"entry '{entry.Name}' runs into the central directory");
        }
        return span.Slice((int)dataAt, (int)entry.CompressedSize);
    }

    /// <summary>Rebuilds the bytes of the package as they were before the signature entry was appended, the way the
    /// NuGet signed-package format defines the signed content: the signature's local entry and central record are
    /// left out and the end record's entry counts, directory size and directory offset are reduced to match.
    /// The signature must be the last entry both in the file and in the directory.</summary>
    public byte[] UnsignedContent()
    {
        ZipEntryRecord sig = SignatureEntry ?? throw Refuse(DisplayName, "package is not signed (no .signature.p7s)");
        if (!ReferenceEquals(sig, Entries[^1]))
        {
            throw Refuse(DisplayName, "the signature must be the last entry of the central directory");
        }
        long localLength = LocalEntryLength(sig);
        if (sig.LocalHeaderOffset + localLength != CentralDirectoryOffset)
        {
            throw Refuse(DisplayName, "the signature must be the last file entry before the central directory");
        }
        foreach (ZipEntryRecord e in Entries)
        {
            if (!ReferenceEquals(e, sig) && e.LocalHeaderOffset >= sig.LocalHeaderOffset)
            {
                throw Refuse(DisplayName, "an entry overlaps the signature");
            }
        }
        var span = Bytes.AsSpan();
        int head = (int)sig.LocalHeaderOffset;
        int directoryBefore = (int)(sig.CentralRecordOffset - CentralDirectoryOffset);
        int tail = Bytes.Length - (int)EndOfCentralDirectoryOffset;
        var result = new byte[head + directoryBefore + tail];
        span[..head].CopyTo(result);
        span.Slice((int)CentralDirectoryOffset, directoryBefore).CopyTo(result.AsSpan(head));
        Span<byte> eocd = result.AsSpan(head + directoryBefore);
        span[(int)EndOfCentralDirectoryOffset..].CopyTo(eocd);
        ushort count = (ushort)(Entries.Count - 1);
        BinaryPrimitives.WriteUInt16LittleEndian(eocd[8..], count);
        BinaryPrimitives.WriteUInt16LittleEndian(eocd[10..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(eocd[12..], (uint)(CentralDirectorySize - sig.CentralRecordLength));
        BinaryPrimitives.WriteUInt32LittleEndian(eocd[16..], (uint)(CentralDirectoryOffset - localLength));
        return result;
    }

    private static long? FindEndOfCentralDirectory(byte[] bytes)
    {
        // The end record is 22 bytes plus a comment of at most 65,535 bytes; search backwards for one whose comment
        // length reaches exactly the end of the file.
        long min = Math.Max(0, bytes.LongLength - 22 - 0xFFFF);
        for (long i = bytes.LongLength - 22; i >= min; i--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)i)) == EndOfCentralDirectorySignature
                && i + 22 + BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)(i + 20))) == bytes.LongLength)
            {
                return i;
            }
        }
        return null;
    }

    internal static InvarLockException Refuse(string displayName, string problem) =>
        new(ErrorCodes.PluginRefused, $"{displayName}: {problem}");
}
