namespace InvarLock.Models.Encoder;

/// <summary>The encoder families <c>hf_mlm</c> loads, by <c>model_type</c>.</summary>
internal static class EncoderFamilies
{
    private static readonly IEncoderFamily[] All = [new BertFamily(), new RobertaFamily()];

    /// <summary>The supported model types, comma-separated.</summary>
    internal static string SupportedList => "bert, roberta";

    internal static bool TryGet(string modelType, out IEncoderFamily family)
    {
        foreach (IEncoderFamily f in All)
        {
            if (f.ModelType == modelType)
            {
                family = f;
                return true;
            }
        }
        family = null!;
        return false;
    }
}
