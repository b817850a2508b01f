using System.Text.RegularExpressions;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Pipeline;

/// <summary>Resolves <c>org/name[@revision]</c> model references offline from the user's Hugging Face hub cache
/// (<c>HF_HUB_CACHE</c>, else <c>HF_HOME/hub</c>, else <c>~/.cache/huggingface/hub</c>), laid out as
/// <c>models--org--name/snapshots/&lt;commit&gt;/</c> with <c>refs/&lt;branch&gt;</c> files naming commits. Nothing is
/// downloaded.</summary>
public static partial class HubCache
{
    /// <summary>The revision used when a reference names none.</summary>
    public const string DefaultRevision = "main";

    /// <summary>True when <paramref name="spec"/> has the shape of a hub reference (<c>org/name</c>, optionally
    /// <c>@revision</c>) rather than a filesystem path.</summary>
    public static bool LooksLikeReference(string spec) => ReferencePattern().IsMatch(spec);

    /// <summary>The snapshot folder of <paramref name="spec"/> in the first cache root that has it.</summary>
    /// <param name="spec"><c>org/name</c> or <c>org/name@revision</c> (a branch or tag under <c>refs/</c>, or a commit).</param>
    /// <param name="environment">Reads environment variables (the run's injected environment).</param>
    /// <param name="option">The command-line option the reference came from, for the error message.</param>
    /// <exception cref="InvarLockException"><see cref="ErrorCodes.MissingFile"/> naming every folder searched.</exception>
    public static string Resolve(string spec, Func<string, string?> environment, string option)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(environment);
        Match match = ReferencePattern().Match(spec);
        if (!match.Success)
        {
            throw new InvarLockException(ErrorCodes.Usage, $"{spec}: not a Hugging Face model reference (org/name[@revision]) ({option})");
        }
        string repo = match.Groups["repo"].Value;
        string revision = match.Groups["rev"].Success ? match.Groups["rev"].Value : DefaultRevision;
        string folderName = "models--" + repo.Replace("/", "--", StringComparison.Ordinal);
        var searched = new List<string>();
        foreach (string root in Roots(environment))
        {
            string repoFolder = Path.Combine(root, folderName);
            string? commit = ReadRef(Path.Combine(repoFolder, "refs", revision)) ?? revision;
            string snapshot = Path.Combine(repoFolder, "snapshots", commit);
            searched.Add(snapshot);
            if (IsPlainName(commit) && Directory.Exists(snapshot))
            {
                return Path.GetFullPath(snapshot);
            }
        }
        throw new InvarLockException(ErrorCodes.MissingFile,
            $"{spec}: not in the Hugging Face cache at revision '{revision}' ({option}; nothing is downloaded); searched: {string.Join(", ", searched)}");
    }

    /// <summary>The cache roots in the order the hub client uses them (only the first that is set applies, as there).</summary>
    public static IReadOnlyList<string> Roots(Func<string, string?> environment)
    {
        if (environment("HF_HUB_CACHE") is { Length: > 0 } hubCache)
        {
            return [hubCache];
        }
        if (environment("HF_HOME") is { Length: > 0 } home)
        {
            return [Path.Combine(home, "hub")];
        }
        string user = environment("HOME") is { Length: > 0 } h ? h : System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        return [Path.Combine(user, ".cache", "huggingface", "hub")];
    }

    /// <summary>The commit a <c>refs/</c> file names, or null when there is no such file.</summary>
    private static string? ReadRef(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var info = new FileInfo(path);
        if (info.Length > 256)
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{path}: a Hugging Face cache ref file longer than a commit id");
        }
        return File.ReadAllText(path).Trim();
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name is not ("." or "..") && name.IndexOfAny(['/', '\\', '\0']) < 0;

    [GeneratedRegex(@"^(?<repo>[A-Za-z0-9][A-Za-z0-9_.\-]*/[A-Za-z0-9][A-Za-z0-9_.\-]*)(@(?<rev>[A-Za-z0-9][A-Za-z0-9_.\-]*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ReferencePattern();
}
