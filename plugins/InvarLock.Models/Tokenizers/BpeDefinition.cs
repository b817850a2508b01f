namespace InvarLock.Models.Tokenizers;

/// <summary>A byte-level BPE tokenizer as read from files, before validation: every token with its id (added tokens
/// included), the merge list in rank order, and which ids are added tokens whose content is literal text rather than
/// byte-level characters.</summary>
internal sealed class BpeDefinition
{
    public BpeDefinition(Dictionary<string, int> vocab, List<BpeMerge> merges, HashSet<int> addedTokenIds, bool ignoreMerges)
    {
        Vocab = vocab;
        Merges = merges;
        AddedTokenIds = addedTokenIds;
        IgnoreMerges = ignoreMerges;
    }

    public Dictionary<string, int> Vocab { get; }

    public List<BpeMerge> Merges { get; }

    public HashSet<int> AddedTokenIds { get; }

    /// <summary>Hugging Face's <c>ignore_merges</c>: a pre-token that is itself in the vocabulary is emitted whole.</summary>
    public bool IgnoreMerges { get; }
}
