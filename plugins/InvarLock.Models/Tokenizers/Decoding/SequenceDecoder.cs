namespace InvarLock.Models.Tokenizers.Decoding;

/// <summary><c>Sequence</c>: each decoder in turn.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<ITokenDecoder> steps) : ITokenDecoder
{
    public void Decode(List<string> tokens)
    {
        foreach (var step in steps)
        {
            step.Decode(tokens);
        }
    }
}
