namespace InvarLock.Benchmarks.Gguf;

/// <summary>The <c>ggml_type</c> codes of the tensor types <see cref="GgufWriter"/> writes.</summary>
internal enum GgufTensorType : uint
{
    /// <summary>IEEE float32 (GGML_TYPE_F32).</summary>
    F32 = 0,

    /// <summary>IEEE float16 (GGML_TYPE_F16).</summary>
    F16 = 1,
}
