namespace InvarLock.Models.Tests.TestSupport;

/// <summary>What tests/tools/decoder_reference.py computed for a list of windows.</summary>
/// <param name="Nll">Per window: float64 sum over t = 0..T−2 of −log p(tok[t+1]).</param>
/// <param name="TokenCounts">Per window: T − 1.</param>
/// <param name="Logits">Per window: [T, vocab] float32 row-major; null when logits were not asked for.</param>
/// <param name="InverseFrequencies">Per window: the rotary inverse frequencies used (null for gpt2).</param>
/// <param name="VocabSize">config.json's vocab_size (the logits' row length).</param>
/// <param name="TorchVersion">The torch that computed them.</param>
internal sealed record DecoderReferenceResult(
    double[] Nll, int[] TokenCounts, float[][]? Logits, double[]?[] InverseFrequencies, int VocabSize, string TorchVersion);
