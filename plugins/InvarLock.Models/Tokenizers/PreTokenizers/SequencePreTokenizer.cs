using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary><c>Sequence</c> (and <c>BertPreTokenizer</c>): each pre-tokenizer in turn, over all pieces.</summary>
internal sealed class SequencePreTokenizer(IReadOnlyList<IPreTokenizer> steps) : IPreTokenizer
{
    /// <summary>The first step sees what the sequence sees; every later step may see slices.</summary>
    public bool NeedsAlignment(bool piecesMayBeSlices)
    {
        for (int i = 0; i < steps.Count; i++)
        {
            if (steps[i].NeedsAlignment(piecesMayBeSlices || i > 0))
            {
                return true;
            }
        }
        return false;
    }

    public void PreTokenize(List<NormalizedText> pieces)
    {
        foreach (var step in steps)
        {
            step.PreTokenize(pieces);
        }
    }
}
