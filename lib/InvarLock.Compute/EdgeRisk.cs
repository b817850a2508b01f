namespace InvarLock.Compute;

/// <summary>The RMT edge-risk score of one activation matrix (guards.md §4.4).</summary>
/// <param name="Risk">σ̂ / max(σ_MP, 1e-12).</param>
/// <param name="Sigma">σ̂: the power-iteration estimate of the whitened matrix's top singular value.</param>
/// <param name="MarchenkoPasturEdge">σ_MP = √rows + √cols.</param>
public readonly record struct EdgeRisk(double Risk, double Sigma, double MarchenkoPasturEdge);
