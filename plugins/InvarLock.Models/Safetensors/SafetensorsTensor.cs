namespace InvarLock.Models.Safetensors;

/// <summary>A float32 tensor to write with <see cref="SafetensorsWriter"/>.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="Shape">Dimensions, outermost first; their product must equal <c>Data.Length</c>.</param>
/// <param name="Data">Row-major values.</param>
public sealed record SafetensorsTensor(string Name, int[] Shape, float[] Data);
