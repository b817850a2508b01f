using System.Text.Json;

namespace InvarLock.Sdk.Guards;

/// <summary>Optional capability of an <see cref="IGuard"/>: checks its policy section before any model is loaded, so a
/// bad or unknown key fails the run at once instead of after minutes of loading and scoring.</summary>
public interface IPolicyCheckingGuard
{
    /// <summary>Parses <paramref name="policy"/> (this guard's resolved section, an object) exactly as
    /// <see cref="IGuard.Prepare"/> will.</summary>
    /// <exception cref="Errors.InvarLockException">With <see cref="Errors.ErrorCodes.InvalidPolicy"/>: a value is out of
    /// range or a key is unknown (the message lists the valid keys).</exception>
    void CheckPolicy(JsonElement policy);
}
