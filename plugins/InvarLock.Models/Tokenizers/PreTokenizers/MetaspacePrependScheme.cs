namespace InvarLock.Models.Tokenizers.PreTokenizers;

/// <summary><c>Metaspace</c>'s <c>prepend_scheme</c>.</summary>
internal enum MetaspacePrependScheme
{
    /// <summary><c>always</c>: every piece.</summary>
    Always,

    /// <summary><c>first</c>: only the piece that starts the input.</summary>
    First,

    /// <summary><c>never</c>.</summary>
    Never,
}
