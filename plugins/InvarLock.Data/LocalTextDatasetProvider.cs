using System.Security.Cryptography;
using System.Text;
using InvarLock.Sdk;
using InvarLock.Sdk.Datasets;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.IO;

namespace InvarLock.Data;

/// <summary>A local UTF-8 text file read as one document. The core tokenizes it as one stream and cuts it into windows.</summary>
public sealed class LocalTextDatasetProvider : IDatasetProvider
{
    /// <summary>Largest file accepted (1 GiB); bigger inputs are refused rather than read into memory.</summary>
    public const long MaxBytes = 1L << 30;

    public PluginDescriptor Descriptor { get; } = new("local_text", new Version(1, 0), "A local UTF-8 text file, read as one stream");

    public DatasetContent Load(DatasetSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrEmpty(spec.Path))
        {
            throw new InvarLockException(ErrorCodes.Usage, "dataset local_text needs --dataset-path FILE");
        }
        string path = Path.GetFullPath(spec.Path);
        byte[] bytes = InputFile.ReadAllBytes(path, MaxBytes, ErrorCodes.DatasetError, "dataset file");
        string text;
        try
        {
            var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
            int skip = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            text = strict.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException ex)
        {
            throw new InvarLockException(ErrorCodes.DatasetError, $"{path}: not valid UTF-8 ({ex.Message.TrimEnd('.')})");
        }
        return new DatasetContent([text], Convert.ToHexStringLower(SHA256.HashData(bytes)), path);
    }
}
