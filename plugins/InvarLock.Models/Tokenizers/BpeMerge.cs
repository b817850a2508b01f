namespace InvarLock.Models.Tokenizers;

/// <summary>One BPE merge rule: adjacent symbols <paramref name="Left"/> and <paramref name="Right"/> (byte-level
/// token strings) become the symbol <c>Left + Right</c>. A merge's rank is its position in the merge list; lower
/// ranks apply first.</summary>
/// <param name="Left">The left symbol.</param>
/// <param name="Right">The right symbol.</param>
public readonly record struct BpeMerge(string Left, string Right);
