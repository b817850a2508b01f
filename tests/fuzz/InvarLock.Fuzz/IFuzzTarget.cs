namespace InvarLock.Fuzz;

/// <summary>One fuzzed parser. <see cref="Run"/> feeds it one input; a documented rejection
/// (<see cref="Sdk.Errors.InvarLockException"/>) is the expected outcome of bad input and is swallowed by the driver, any
/// other exception is a finding.</summary>
internal interface IFuzzTarget
{
    /// <summary>The name given on the command line and the corpus folder under tests/fuzz/corpus/.</summary>
    string Name { get; }

    /// <summary>Feeds <paramref name="input"/> to the parser, through the entry point the CLI uses.</summary>
    void Run(byte[] input);

    /// <summary>Writes seed inputs built from real files (the tiny generated models, a demo report) into
    /// <paramref name="folder"/>.</summary>
    void WriteSeeds(string folder);
}
