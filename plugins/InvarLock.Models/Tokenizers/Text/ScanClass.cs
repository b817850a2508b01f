namespace InvarLock.Models.Tokenizers.Text;

/// <summary>What the hand-written pre-tokenizer scanners (GPT-2's, Llama 3's / Qwen2's) tell apart: the regex classes
/// <c>\p{L}</c>, <c>\p{N}</c>, <c>\s</c> and everything else (<see cref="ScanClassifier"/>).</summary>
internal enum ScanClass : byte
{
    Letter,
    Number,
    Space,
    Other,
}
