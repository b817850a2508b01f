namespace InvarLock.Models.Safetensors;

/// <summary>Supplies the float32 values of one tensor to <see cref="SafetensorsWriter"/>'s streaming overload.</summary>
/// <param name="name">The tensor's name, as given in the layout.</param>
/// <returns>The tensor's row-major values; their count must equal the product of its shape. The span is read
/// before the next tensor is asked for, so it may point at live model buffers.</returns>
public delegate ReadOnlySpan<float> SafetensorsTensorData(string name);
