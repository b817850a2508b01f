namespace InvarLock.Models.Generation;

/// <summary>The masked-LM encoder families <see cref="TinyEncoderGenerator"/> writes.</summary>
public enum TinyEncoderFamily
{
    /// <summary><c>bert</c> (<c>BertForMaskedLM</c>) with a WordPiece tokenizer.</summary>
    Bert,
    /// <summary><c>roberta</c> (<c>RobertaForMaskedLM</c>) with a byte-level BPE tokenizer and RobertaProcessing.</summary>
    Roberta,
}
