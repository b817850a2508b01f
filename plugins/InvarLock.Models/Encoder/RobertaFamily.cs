using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Encoder;

/// <summary>RoBERTa: the BERT math with positions starting at <c>pad_token_id + 1</c> (the table's first rows belong to
/// padding), names <c>roberta.*</c> and <c>lm_head.*</c>.</summary>
internal sealed class RobertaFamily : IEncoderFamily
{
    public string ModelType => "roberta";

    public EncoderConfig ReadConfig(HfConfig config)
    {
        int pad = config.OptionalInt("pad_token_id") ?? 1;
        if (pad < 0)
        {
            throw HfConfig.Malformed(config.Path, "pad_token_id is negative");
        }
        return EncoderConfigReader.Read(config, EncoderNameTable.Roberta, positionOffset: pad + 1);
    }
}
