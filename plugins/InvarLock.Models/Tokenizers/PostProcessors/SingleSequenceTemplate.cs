namespace InvarLock.Models.Tokenizers.PostProcessors;

/// <summary>What a <c>post_processor</c> puts around one sequence when special tokens are added
/// (<c>TemplateProcessing</c>'s <c>single</c>, <c>BertProcessing</c>'s and <c>RobertaProcessing</c>'s cls/sep;
/// <c>ByteLevel</c> adds nothing; <c>Sequence</c> nests them).</summary>
/// <param name="Prefix">Ids before the sequence (for a causal model usually its BOS).</param>
/// <param name="Suffix">Ids after it.</param>
/// <param name="Source">Which component said so, for reports (<c>TemplateProcessing</c>, <c>none</c>, ...).</param>
internal sealed record SingleSequenceTemplate(IReadOnlyList<int> Prefix, IReadOnlyList<int> Suffix, string Source)
{
    public static readonly SingleSequenceTemplate None = new([], [], "none");

    /// <summary><paramref name="inner"/> wrapped by this template.</summary>
    public SingleSequenceTemplate Around(SingleSequenceTemplate inner) =>
        inner.Prefix.Count == 0 && inner.Suffix.Count == 0 ? this
        : Prefix.Count == 0 && Suffix.Count == 0 ? inner
        : new([.. Prefix, .. inner.Prefix], [.. inner.Suffix, .. Suffix], $"{inner.Source}+{Source}");
}
