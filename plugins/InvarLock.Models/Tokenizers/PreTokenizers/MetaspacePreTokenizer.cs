using InvarLock.Models.Tokenizers.Text;

namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary><c>Metaspace</c>: every space becomes the replacement char (▁); the replacement is put before a piece
/// that does not start with it when <c>prepend_scheme</c> is <c>always</c>, or <c>first</c> and the piece starts
/// the input; with <c>split</c> the piece is cut before each replacement char.</summary>
internal sealed class MetaspacePreTokenizer(char replacement, MetaspacePrependScheme scheme, bool split) : IPreTokenizer
{
    private readonly string _replacement = replacement.ToString();
    private readonly CharClassPattern _splitPattern = new(r => r.Value == replacement);

    public bool NeedsAlignment(bool piecesMayBeSlices) => piecesMayBeSlices && scheme == MetaspacePrependScheme.First;

    public void PreTokenize(List<NormalizedText> pieces)
    {
        var output = new List<NormalizedText>(pieces.Count * 4);
        foreach (var piece in pieces)
        {
            if (piece.Text.Contains(' ', StringComparison.Ordinal))
            {
                var builder = piece.NewBuilder(piece.Length);
                for (int i = 0; i < piece.Length; i++)
                {
                    builder.Append(piece.Text[i] == ' ' ? replacement : piece.Text[i], piece.Starts[i], piece.Ends[i]);
                }
                piece.Replace(builder);
            }
            bool startsWith = piece.Length > 0 && piece.Text[0] == replacement;
            if (!startsWith && (scheme == MetaspacePrependScheme.Always
                || (scheme == MetaspacePrependScheme.First && piece.OriginalStart == 0)))
            {
                piece.Prepend(_replacement);
            }
            if (split)
            {
                PieceSplitter.Split(piece, _splitPattern, SplitBehavior.MergedWithNext, invert: false, output);
            }
            else if (piece.Length > 0)
            {
                output.Add(piece);
            }
        }
        pieces.Clear();
        pieces.AddRange(output);
    }
}
