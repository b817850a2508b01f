namespace InvarLock.Numerics;

/// <summary>The bootstrap's random-number generator: PCG64 (XSL-RR 128/64) seeded through a SeedSequence, exactly as
/// numpy's <c>numpy.random.default_rng(seed)</c>, so every draw is reproducible bit for bit on any OS and can be checked
/// independently with numpy.</summary>
/// <remarks>
/// <para><b>Seeding.</b> The non-negative seed is split into 32-bit little-endian words (at least one) and mixed into a
/// four-word pool with the SeedSequence hash (constants 0x43b0d7e5, 0x931e8875, 0xca01f9dd, 0x4973f715, 0x8b51f9dd,
/// 0x58f38ded). Eight output words form four 64-bit words w0..w3 (low word first); the 128-bit state is
/// (w0·2⁶⁴ + w1) and the increment is 2·(w2·2⁶⁴ + w3) + 1; the state starts at 0, steps once, adds the initial state
/// and steps again.</para>
/// <para><b>Output.</b> A step is state ← state·0x2360ED051FC65DA44385DF649FCCF645 + inc (mod 2¹²⁸); the 64-bit output
/// is (high ⊕ low) rotated right by the top six bits of the new state. <see cref="NextUInt32"/> hands out the low half of
/// a fresh 64-bit output and keeps the high half for the next call. <see cref="NextDouble"/> is (next64 ≫ 11)·2⁻⁵³.
/// <see cref="NextInt"/> is Lemire's multiply-shift with rejection (no modulo bias).</para>
/// </remarks>
public sealed class Pcg64Random
{
    private static readonly UInt128 Multiplier = new(0x2360ED051FC65DA4UL, 0x4385DF649FCCF645UL);
    private UInt128 _state;
    private readonly UInt128 _increment;
    private bool _hasHalf;
    private uint _half;

    /// <summary>Seeds the generator as <c>numpy.random.default_rng(seed)</c> does.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seed"/> is negative.</exception>
    public Pcg64Random(long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ulong[] words = SeedSequenceState((ulong)seed, 4);
        var initState = new UInt128(words[0], words[1]);
        var initSequence = new UInt128(words[2], words[3]);
        _increment = (initSequence << 1) | UInt128.One;
        _state = UInt128.Zero;
        Step();
        _state += initState;
        Step();
    }

    /// <summary>The next raw 64-bit output.</summary>
    public ulong NextUInt64()
    {
        Step();
        ulong high = (ulong)(_state >> 64);
        ulong low = (ulong)_state;
        int rotation = (int)(_state >> 122);
        return ulong.RotateRight(high ^ low, rotation);
    }

    /// <summary>The next 32-bit output (half of a 64-bit output; the other half is kept for the next call).</summary>
    public uint NextUInt32()
    {
        if (_hasHalf)
        {
            _hasHalf = false;
            return _half;
        }

        ulong next = NextUInt64();
        _hasHalf = true;
        _half = (uint)(next >> 32);
        return (uint)next;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>A uniform integer in [0, <paramref name="exclusiveBound"/>), free of modulo bias (Lemire's method),
    /// drawing as numpy's <c>integers(0, n)</c> does for n ≤ 2³².</summary>
    public int NextInt(int exclusiveBound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveBound);
        if (exclusiveBound == 1)
        {
            return 0; // numpy draws nothing for an empty range
        }

        uint n = (uint)exclusiveBound;
        ulong m = (ulong)NextUInt32() * n;
        uint leftover = (uint)m;
        if (leftover < n)
        {
            uint threshold = (uint)((0x1_0000_0000UL - n) % n);
            while (leftover < threshold)
            {
                m = (ulong)NextUInt32() * n;
                leftover = (uint)m;
            }
        }

        return (int)(m >> 32);
    }

    private void Step() => _state = unchecked(_state * Multiplier + _increment);

    /// <summary>numpy's SeedSequence(seed).generate_state(count, uint64) with pool size 4 and no spawn key.</summary>
    internal static ulong[] SeedSequenceState(ulong seed, int count)
    {
        const int poolSize = 4;
        var entropy = new List<uint> { (uint)seed };
        if ((seed >> 32) != 0)
        {
            entropy.Add((uint)(seed >> 32));
        }

        uint hashConst = 0x43b0d7e5;
        uint HashMix(uint value)
        {
            value ^= hashConst;
            hashConst = unchecked(hashConst * 0x931e8875);
            value = unchecked(value * hashConst);
            value ^= value >> 16;
            return value;
        }

        static uint Mix(uint x, uint y)
        {
            uint result = unchecked(0xca01f9dd * x - 0x4973f715 * y);
            result ^= result >> 16;
            return result;
        }

        var pool = new uint[poolSize];
        for (int i = 0; i < poolSize; i++)
        {
            pool[i] = HashMix(i < entropy.Count ? entropy[i] : 0u);
        }

        for (int src = 0; src < poolSize; src++)
        {
            for (int dst = 0; dst < poolSize; dst++)
            {
                if (src != dst)
                {
                    pool[dst] = Mix(pool[dst], HashMix(pool[src]));
                }
            }
        }

        for (int src = poolSize; src < entropy.Count; src++)
        {
            for (int dst = 0; dst < poolSize; dst++)
            {
                pool[dst] = Mix(pool[dst], HashMix(entropy[src]));
            }
        }

        uint hashB = 0x8b51f9dd;
        var words32 = new uint[count * 2];
        for (int i = 0; i < words32.Length; i++)
        {
            uint value = pool[i % poolSize];
            value ^= hashB;
            hashB = unchecked(hashB * 0x58f38ded);
            value = unchecked(value * hashB);
            value ^= value >> 16;
            words32[i] = value;
        }

        var result = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = words32[2 * i] | ((ulong)words32[2 * i + 1] << 32);
        }

        return result;
    }
}
