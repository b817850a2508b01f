using InvarLock.Sdk.Errors;

namespace InvarLock.Models.Tokenizers.Models;

/// <summary>Checks a token-to-id table and inverts it.</summary>
internal static class VocabularyTable
{
    /// <summary>The highest id accepted (16M): larger ids would make the id table absurdly large.</summary>
    public const int MaxId = (1 << 24) - 1;

    public static string?[] TokensById(Dictionary<string, int> vocab, string source)
    {
        if (vocab.Count == 0)
        {
            throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{source}: model.vocab is empty");
        }
        int maxId = -1;
        foreach (var (token, id) in vocab)
        {
            if (id < 0 || id > MaxId)
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer,
                    $"{source}: token '{token}' has id {id}, outside 0..{MaxId}");
            }
            maxId = Math.Max(maxId, id);
        }
        var byId = new string?[maxId + 1];
        foreach (var (token, id) in vocab)
        {
            if (byId[id] is { } other)
            {
                throw new InvarLockException(ErrorCodes.MalformedTokenizer, $"{source}: id {id} is given to both '{other}' and '{token}'");
            }
            byId[id] = token;
        }
        return byId;
    }
}
