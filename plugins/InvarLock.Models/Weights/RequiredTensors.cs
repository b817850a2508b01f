using System.Globalization;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Models;

namespace InvarLock.Models.Weights;

/// <summary>The one check that a checkpoint holds exactly the tensors its config.json implies: every required tensor
/// present with its shape, and no tensor the architecture does not use.</summary>
internal static class RequiredTensors
{
    /// <param name="weights">The loaded tensors.</param>
    /// <param name="required">Every tensor the architecture needs, with its shape.</param>
    /// <param name="unexpected">Why a present tensor does not belong (null when it does).</param>
    /// <param name="source">Names the weights in messages (the model folder).</param>
    /// <param name="modelType">config.json's model_type.</param>
    /// <param name="layers">config.json's layer count.</param>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.ShapeMismatch"/> naming <paramref name="source"/>.</exception>
    public static void Validate(IParameterStore weights, IReadOnlyList<(string Name, int[] Shape)> required, Func<string, string?> unexpected,
        string source, string modelType, int layers)
    {
        foreach (var (name, shape) in required)
        {
            if (!weights.TryGet(name, out ParameterInfo info))
            {
                throw new InvarLockException(ErrorCodes.ShapeMismatch, string.Create(CultureInfo.InvariantCulture,
                    $"{source}: the weights have no tensor '{name}', which config.json ({modelType}, {layers} layers) requires"));
            }
            if (!info.Shape.SequenceEqual(shape))
            {
                throw new InvarLockException(ErrorCodes.ShapeMismatch,
                    $"{source}: tensor '{name}' has shape [{string.Join(", ", info.Shape)}], config.json implies [{string.Join(", ", shape)}]");
            }
        }
        foreach (ParameterInfo info in weights.All)
        {
            if (unexpected(info.Name) is { } problem)
            {
                throw new InvarLockException(ErrorCodes.ShapeMismatch, $"{source}: tensor '{info.Name}' {problem}");
            }
        }
    }

    /// <summary>Why <paramref name="name"/> is not a parameter of a model whose tensors are <paramref name="known"/>, or
    /// null when it is: a layer beyond config.json's count, or an extra tensor.</summary>
    /// <param name="name">A canonical tensor name.</param>
    /// <param name="known">Every tensor name the architecture uses.</param>
    /// <param name="layer">The layer <paramref name="name"/> belongs to (−1 for none).</param>
    /// <param name="layers">config.json's layer count.</param>
    /// <param name="model">What config.json describes, for the message (for example <c>llama model</c>).</param>
    public static string? Unexpected(string name, IReadOnlySet<string> known, int layer, int layers, string model)
    {
        if (known.Contains(name))
        {
            return null;
        }
        if (layer >= layers)
        {
            return string.Create(CultureInfo.InvariantCulture, $"belongs to layer {layer}, but config.json has {layers} layers (0-{layers - 1})");
        }
        return $"is not a parameter of the {model} config.json describes (an extra tensor)";
    }

    /// <summary>Fails on a token id outside <c>[0, vocab)</c> in window <paramref name="windowIndex"/>.</summary>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.Usage"/>.</exception>
    public static void RequireInVocabulary(ReadOnlySpan<int> tokens, int vocab, string modelType, int windowIndex)
    {
        foreach (int id in tokens)
        {
            if ((uint)id >= (uint)vocab)
            {
                throw new InvarLockException(ErrorCodes.Usage, string.Create(CultureInfo.InvariantCulture,
                    $"{modelType}: window {windowIndex} holds token id {id}, outside the vocabulary [0, {vocab})"));
            }
        }
    }
}
