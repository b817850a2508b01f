using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.Normalizers;

/// <summary><c>Precompiled</c>: SentencePiece's <c>precompiled_charsmap</c> (T5, ALBERT, XLM-R, mBART and other
/// SentencePiece models converted by Hugging Face; <c>nmt_nfkc</c>, <c>nfkc_cf</c> and custom rule tables).
/// The charsmap, as Hugging Face's <c>spm_precompiled</c> reads it, is a little-endian <c>u32</c> trie size in bytes,
/// a darts-clone double-array trie of that many bytes (<c>u32</c> units) whose keys are UTF-8 strings and whose values
/// are offsets into the rest of the blob, NUL-terminated UTF-8 replacement strings.
/// Normalization follows Hugging Face's <c>Precompiled::normalize</c> exactly, however odd: the text is walked one
/// extended grapheme cluster at a time; a cluster of fewer than 6 UTF-8 bytes is looked up whole, and when <b>any</b>
/// key is a prefix of it, the <b>shortest</b> such key's replacement replaces the whole cluster (the rest of the cluster
/// is dropped); otherwise each scalar of the cluster is looked up alone the same way and replaced, or kept. Replacement
/// chars align to the whole range they replace.</summary>
internal sealed class PrecompiledNormalizer : INormalizer
{
    /// <summary>A charsmap larger than this is refused (real ones are a few hundred KiB), which bounds the work of
    /// checking it.</summary>
    public const int MaxCharsmapBytes = 8 << 20;

    /// <summary>The longest lookup key in UTF-8 bytes: clusters are looked up whole only below 6 bytes, scalars are at
    /// most 4. Only trie paths this deep can ever be reached.</summary>
    private const int MaxKeyBytes = 5;

    private readonly uint[] _units;
    private readonly Dictionary<uint, string> _replacements;

    private PrecompiledNormalizer(uint[] units, Dictionary<uint, string> replacements)
    {
        _units = units;
        _replacements = replacements;
    }

    /// <summary>Reads a decoded <c>precompiled_charsmap</c>. Every replacement a lookup can reach is decoded and
    /// checked here, so normalizing never meets a bad offset. Throws <see cref="InvalidDataException"/> with a
    /// one-line description of the problem.</summary>
    public static PrecompiledNormalizer FromCharsmap(ReadOnlySpan<byte> charsmap)
    {
        if (charsmap.Length > MaxCharsmapBytes)
        {
            throw new InvalidDataException($"the charsmap is {charsmap.Length} bytes, more than {MaxCharsmapBytes}");
        }
        if (charsmap.Length < 4)
        {
            throw new InvalidDataException($"the charsmap is {charsmap.Length} bytes, too short for its trie size");
        }
        uint trieBytes = BinaryPrimitives.ReadUInt32LittleEndian(charsmap);
        if (trieBytes > (uint)(charsmap.Length - 4) || trieBytes % 4 != 0 || trieBytes == 0)
        {
            throw new InvalidDataException($"the charsmap's trie size {trieBytes} is not a positive multiple of 4 within its {charsmap.Length - 4} bytes");
        }
        var units = new uint[trieBytes / 4];
        for (int i = 0; i < units.Length; i++)
        {
            units[i] = BinaryPrimitives.ReadUInt32LittleEndian(charsmap[(4 + 4 * i)..]);
        }
        ReadOnlySpan<byte> blob = charsmap[(4 + (int)trieBytes)..];
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            strict.GetCharCount(blob);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException("the charsmap's replacement strings are not valid UTF-8");
        }
        var values = new HashSet<uint>();
        CollectValues(units, values);
        var replacements = new Dictionary<uint, string>(values.Count);
        foreach (uint value in values)
        {
            // Hugging Face slices the blob from the value to the next NUL; a value past the end or inside a
            // multi-byte char would make it panic, so such a table is refused.
            if (value > (uint)blob.Length || (value < (uint)blob.Length && (blob[(int)value] & 0xC0) == 0x80))
            {
                throw new InvalidDataException($"the charsmap's trie points at byte {value}, which is not the start of a replacement in its {blob.Length}-byte string table");
            }
            ReadOnlySpan<byte> rest = blob[(int)value..];
            int nul = rest.IndexOf((byte)0);
            replacements[value] = strict.GetString(nul < 0 ? rest : rest[..nul]);
        }
        return new PrecompiledNormalizer(units, replacements);
    }

    public void Normalize(NormalizedText text)
    {
        string source = text.Text;
        if (source.Length == 0)
        {
            return;
        }
        NormalizedText.Builder? builder = null;
        // Read the alignment arrays once (an untracked piece hands out a shared array of zeros).
        int[] starts = text.Starts, ends = text.Ends;
        Span<byte> key = stackalloc byte[16];
        int copied = 0;
        for (int i = 0; i < source.Length;)
        {
            int clusterLength = StringInfo.GetNextTextElementLength(source.AsSpan(i));
            ReadOnlySpan<char> cluster = source.AsSpan(i, clusterLength);
            if (Encoding.UTF8.GetByteCount(cluster) <= MaxKeyBytes)
            {
                int n = Encoding.UTF8.GetBytes(cluster, key);
                if (Lookup(key[..n]) is { } whole)
                {
                    builder = CopyUpTo(text, starts, ends, builder, copied, i);
                    builder.Append(whole, starts[i], ends[i + clusterLength - 1]);
                    i += clusterLength;
                    copied = i;
                    continue;
                }
            }
            int end = i + clusterLength;
            while (i < end)
            {
                Rune.DecodeFromUtf16(source.AsSpan(i, end - i), out Rune rune, out int width);
                int n = rune.EncodeToUtf8(key);
                if (Lookup(key[..n]) is { } replacement)
                {
                    builder = CopyUpTo(text, starts, ends, builder, copied, i);
                    builder.Append(replacement, starts[i], ends[i + width - 1]);
                    copied = i + width;
                }
                i += width;
            }
        }
        if (builder is null)
        {
            return;
        }
        CopyUpTo(text, starts, ends, builder, copied, source.Length);
        text.Replace(builder);
    }

    /// <summary>Appends the unchanged chars [<paramref name="from"/>, <paramref name="to"/>) with their own alignment,
    /// starting the builder at the first replacement.</summary>
    private static NormalizedText.Builder CopyUpTo(NormalizedText text, int[] starts, int[] ends, NormalizedText.Builder? builder, int from, int to)
    {
        builder ??= text.NewBuilder(text.Length + 8);
        for (int k = from; k < to; k++)
        {
            builder.Append(text.Text[k], starts[k], ends[k]);
        }
        return builder;
    }

    /// <summary>The replacement of the shortest key that is a prefix of <paramref name="key"/> (darts-clone
    /// <c>commonPrefixSearch</c>, first result, as <c>spm_precompiled</c> takes it; a NUL byte ends the key), or null.</summary>
    private string? Lookup(ReadOnlySpan<byte> key)
    {
        uint[] units = _units;
        int node = (int)Offset(units[0]);
        foreach (byte c in key)
        {
            if (c == 0)
            {
                return null;
            }
            node ^= c;
            if ((uint)node >= (uint)units.Length || Label(units[node]) != c)
            {
                return null;
            }
            uint unit = units[node];
            node ^= (int)Offset(unit);
            if (HasLeaf(unit))
            {
                return (uint)node < (uint)units.Length ? _replacements[Value(units[node])] : null;
            }
        }
        return null;
    }

    /// <summary>Every value a lookup of at most <see cref="MaxKeyBytes"/> bytes can reach. Each (node, depth) is
    /// visited once, so a hostile trie costs at most units × depth × 255 steps.</summary>
    private static void CollectValues(uint[] units, HashSet<uint> values)
    {
        var visited = new HashSet<(int Node, int Depth)>();
        var stack = new Stack<(int Node, int Depth)>();
        stack.Push(((int)Offset(units[0]), 0));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (depth == MaxKeyBytes || !visited.Add((node, depth)))
            {
                continue;
            }
            for (int c = 1; c < 256; c++)
            {
                int child = node ^ c;
                if ((uint)child >= (uint)units.Length || Label(units[child]) != (uint)c)
                {
                    continue;
                }
                uint unit = units[child];
                int next = child ^ (int)Offset(unit);
                if (HasLeaf(unit) && (uint)next < (uint)units.Length)
                {
                    // a leaf ends every lookup that reaches it, so nothing below it is ever searched
                    values.Add(Value(units[next]));
                    continue;
                }
                stack.Push((next, depth + 1));
            }
        }
    }

    // darts-clone's unit layout
    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static uint Value(uint unit) => unit & ((1u << 31) - 1);

    private static uint Label(uint unit) => unit & ((1u << 31) | 0xFF);

    private static uint Offset(uint unit) => (unit >> 10) << (int)((unit & (1u << 9)) >> 6);
}
