namespace InvarLock.Compute;

/// <summary>The start vector of <see cref="PowerIteration"/> (guards.md §3.2 estimator <c>init</c>).</summary>
public enum PowerIterationStart
{
    /// <summary>The all-ones vector, normalised (<c>init: ones</c>, the default).</summary>
    Ones,
    /// <summary>The first unit vector (<c>init: e0</c>).</summary>
    E0,
}
