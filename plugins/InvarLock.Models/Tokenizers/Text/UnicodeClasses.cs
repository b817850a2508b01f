using System.Globalization;
using System.Text;

namespace InvarLock.Models.Tokenizers.Text;

/// <summary>The Unicode character classes Hugging Face's components test (Rust's <c>char</c> methods and the
/// <c>unicode_categories</c> crate), from .NET's Unicode data.</summary>
internal static class UnicodeClasses
{
    /// <summary>General category M (Mn, Mc, Me).</summary>
    public static bool IsMark(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark
        or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>Rust's <c>char::is_whitespace</c>: the White_Space property.</summary>
    public static bool IsWhitespace(Rune rune) => Rune.IsWhiteSpace(rune);

    /// <summary>Rust's <c>char::is_alphanumeric</c>: Alphabetic or Numeric (approximated by categories L*, Nl, Nd, No
    /// and the marks that are Alphabetic are not included).</summary>
    public static bool IsAlphanumeric(Rune rune) => Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune)
        is UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>General category P* (any punctuation).</summary>
    public static bool IsPunctuation(Rune rune) => Rune.IsPunctuation(rune);

    /// <summary>Hugging Face's <c>is_punc</c>: ASCII punctuation (which includes symbols such as <c>$</c>, <c>+</c>,
    /// <c>^</c>) or general category P*.</summary>
    public static bool IsBertPunctuation(Rune rune) =>
        (rune.Value < 128 && char.IsAsciiLetterOrDigit((char)rune.Value) is false && rune.Value > 32 && rune.Value < 127)
        || Rune.IsPunctuation(rune);

    /// <summary>General categories Cc, Cf, Cn, Co (the Bert normalizer's "other").</summary>
    public static bool IsOther(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse;

    /// <summary>Rust's <c>char::is_numeric</c> as used by <c>Digits</c>: categories Nd, Nl, No.</summary>
    public static bool IsNumeric(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.DecimalDigitNumber
        or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;

    /// <summary>The CJK ideograph blocks BERT pads with spaces.</summary>
    public static bool IsChineseChar(Rune rune) => rune.Value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF)
        or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F)
        or (>= 0x2B920 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
