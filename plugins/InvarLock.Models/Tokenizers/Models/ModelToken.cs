namespace InvarLock.Models.Tokenizers.Models;

/// <summary>A token a model made from one piece: its id and the [start, end) char range of the piece it covers.</summary>
internal readonly record struct ModelToken(int Id, int Start, int End);
