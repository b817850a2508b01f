namespace InvarLock.Core.Pipeline;

/// <summary>What the report records about the evaluation data.</summary>
/// <param name="Provider">Dataset provider name.</param>
/// <param name="Source">Path or generator description.</param>
/// <param name="Sha256">SHA-256 of the source bytes or generated text.</param>
/// <param name="StreamTokens">Tokens in the tokenized stream.</param>
/// <param name="SequenceLength">Tokens per window.</param>
/// <param name="Stride">Tokens between window starts.</param>
/// <param name="Seed">The run's seed (generated datasets use it).</param>
internal sealed record DatasetFacts(string Provider, string Source, string Sha256, long StreamTokens, int SequenceLength, int Stride, int Seed);
