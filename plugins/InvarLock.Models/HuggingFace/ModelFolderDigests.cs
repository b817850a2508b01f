using System.Security.Cryptography;

namespace InvarLock.Models.HuggingFace;

/// <summary>Digests of a model folder's small files, for reports.</summary>
public static class ModelFolderDigests
{
    /// <summary>Lower-case hex SHA-256 of the raw bytes of <c>config.json</c> in <paramref name="folder"/>.</summary>
    /// <exception cref="Sdk.Errors.InvarLockException"><see cref="Sdk.Errors.ErrorCodes.MissingFile"/> when it does not exist.</exception>
    public static string ConfigSha256(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder, HfConfig.FileName);
        if (!File.Exists(path))
        {
            throw new Sdk.Errors.InvarLockException(Sdk.Errors.ErrorCodes.MissingFile, $"{path}: file not found");
        }
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
