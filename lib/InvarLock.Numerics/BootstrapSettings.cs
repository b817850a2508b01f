namespace InvarLock.Numerics;

/// <summary>The knobs of one bootstrap: method, replicate count, two-sided alpha and the PRNG seed.</summary>
/// <param name="Method">Percentile or BCa.</param>
/// <param name="Replicates">Number of resamples (≥ 1).</param>
/// <param name="Alpha">Two-sided miss rate in (0, 1); 0.05 gives a 95 % interval.</param>
/// <param name="Seed">Seed of the <see cref="Pcg64Random"/> stream (≥ 0).</param>
public sealed record BootstrapSettings(BootstrapMethod Method, int Replicates, double Alpha, long Seed)
{
    /// <summary>The offset added to the run's bootstrap seed for the paired Δ-vs-baseline interval (the reference's
    /// convention, so intervals of the same seed line up with it).</summary>
    public const long PairedDeltaSeedOffset = 503;

    /// <summary>Throws when a knob is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Replicates ≤ 0, alpha outside (0, 1), or a negative seed.</exception>
    public void Validate()
    {
        if (Replicates <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Replicates), Replicates, "The bootstrap needs at least one replicate.");
        }

        if (!(Alpha > 0.0 && Alpha < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "The bootstrap alpha must lie strictly between 0 and 1.");
        }

        if (Seed < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Seed), Seed, "The bootstrap seed must be non-negative.");
        }
    }
}
