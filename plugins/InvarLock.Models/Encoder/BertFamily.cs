using InvarLock.Models.HuggingFace;

namespace InvarLock.Models.Encoder;

/// <summary>BERT: positions from 0, names <c>bert.*</c> and <c>cls.predictions.*</c>.</summary>
internal sealed class BertFamily : IEncoderFamily
{
    public string ModelType => "bert";

    public EncoderConfig ReadConfig(HfConfig config) => EncoderConfigReader.Read(config, EncoderNameTable.Bert, positionOffset: 0);
}
