using System.CommandLine;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvarLock.Core.Plugins;
using InvarLock.Core.Plugins.Packaging;
using InvarLock.Core.Security;
using InvarLock.Sdk.Errors;
using InvarLock.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;
using NuGet.Packaging;
using InvarLock.Core;

namespace InvarLock.Cli.Commands;

/// <summary><c>invarlock plugins [list|install|remove|verify|trust]</c>: shows the registry (first-party and installed
/// third-party components with their status) and manages third-party packages and the trust list. Listing never runs
/// plugin code.</summary>
internal static class PluginsCommand
{
    public static Command Create(IServiceProvider services, CliConsole console)
    {
        var command = new Command("plugins", "List components and manage third-party plugin packages and trusted signers");
        Option<bool> listJson = new("--json") { Description = "Print one JSON object" };
        var list = new Command("list", "List adapters, guards, edits, datasets and metrics with origin, version, signer and status") { listJson };
        list.SetAction(parse => List(services, console, parse.GetValue(listJson)));
        Option<bool> bareJson = new("--json") { Description = "Print one JSON object" };
        command.Options.Add(bareJson);
        command.SetAction(parse => List(services, console, parse.GetValue(bareJson)));

        Argument<FileInfo> package = new("package") { Description = "The signed .nupkg to install" };
        Option<bool> replace = new("--replace") { Description = "Replace an installed version of the same plugin" };
        var install = new Command("install", "Verify a signed plugin package (signature, trusted signer, SDK compatibility) and install it") { package, replace };
        install.SetAction(parse =>
        {
            PluginHost host = Host(services);
            InstallRecord r = host.Installer.Install(parse.GetValue(package)!.FullName, parse.GetValue(replace));
            console.Out.WriteLine($"installed {r.Id} {r.Version} into {Path.Combine(host.Installer.PluginsDirectory, r.Id.ToLowerInvariant(), r.Version)}");
            console.Out.WriteLine($"  signer   {r.SignerFingerprint} ({r.SignerSubject})");
            console.Out.WriteLine($"  provides {string.Join(", ", r.Manifest.Provides.Select(p => $"{PluginManifestReader.KindText(p.Kind)} {p.Name}"))}");
            console.Out.WriteLine($"  files    {r.Files.Count}, each SHA-256 recorded");
            if (!host.Options.AllowThirdParty)
            {
                console.Out.WriteLine($"note: third-party plugins load only when {EnvironmentFlags.AllowThirdPartyPlugins}=1 is set");
            }
            return ExitCodes.Success;
        });

        Argument<string> name = new("name") { Description = "Plugin id or one of its component names" };
        var remove = new Command("remove", "Remove an installed plugin") { name };
        remove.SetAction(parse =>
        {
            foreach (InstalledPlugin p in Host(services).Installer.Remove(parse.GetValue(name)!))
            {
                console.Out.WriteLine($"removed {p.Id} {p.Record?.Version} ({p.Directory})");
            }
            return ExitCodes.Success;
        });

        Argument<FileInfo> verifyPackage = new("package") { Description = "A .nupkg to inspect" };
        Option<bool> verifyJson = new("--json") { Description = "Print one JSON object" };
        var verify = new Command("verify", "Check a package's signature and manifest and print its signer fingerprint (installs nothing)") { verifyPackage, verifyJson };
        verify.SetAction(parse => Verify(services, console, parse.GetValue(verifyPackage)!, parse.GetValue(verifyJson)));

        command.Subcommands.Add(list);
        command.Subcommands.Add(install);
        command.Subcommands.Add(remove);
        command.Subcommands.Add(verify);
        command.Subcommands.Add(TrustCommand(services, console));
        return command;
    }

    private static Command TrustCommand(IServiceProvider services, CliConsole console)
    {
        var trust = new Command("trust", "Manage the list of trusted plugin signers (certificate SHA-256 fingerprints)");
        Argument<string> fingerprint = new("fingerprint") { Description = "SHA-256 fingerprint of the signing certificate (64 hex digits; ':' allowed)" };
        Option<string?> label = new("--name") { Description = "A label for this signer" };
        var add = new Command("add", "Trust packages signed by this certificate") { fingerprint, label };
        add.SetAction(parse =>
        {
            TrustStore store = Host(services).Trust;
            TrustedSigner s = store.Add(parse.GetValue(fingerprint)!, parse.GetValue(label));
            console.Out.WriteLine($"trusted {s.Fingerprint}{(s.Name is null ? "" : $" ({s.Name})")} in {store.Path}");
            return ExitCodes.Success;
        });
        Option<bool> json = new("--json") { Description = "Print one JSON object" };
        var list = new Command("list", "List trusted signers") { json };
        list.SetAction(parse =>
        {
            TrustStore store = Host(services).Trust;
            IReadOnlyList<TrustedSigner> signers = store.List();
            if (parse.GetValue(json))
            {
                var items = new JsonArray();
                foreach (TrustedSigner s in signers)
                {
                    items.Add(new JsonObject { ["fingerprint"] = s.Fingerprint, ["name"] = s.Name, ["added_at"] = s.AddedAt.ToString("O") });
                }
                console.Out.WriteLine(new JsonObject { ["format"] = "trust-v1", ["trust_file"] = store.Path, ["signers"] = items }.ToJsonString());
                return ExitCodes.Success;
            }
            if (signers.Count == 0)
            {
                console.Out.WriteLine($"no trusted signers ({store.Path})");
            }
            foreach (TrustedSigner s in signers)
            {
                console.Out.WriteLine($"{s.Fingerprint}  {s.Name ?? "-"}  added {s.AddedAt:yyyy-MM-dd}");
            }
            return ExitCodes.Success;
        });
        Argument<string> which = new("fingerprint-or-name") { Description = "The fingerprint or name to remove" };
        var remove = new Command("remove", "Stop trusting a signer (its plugins are refused from the next run)") { which };
        remove.SetAction(parse =>
        {
            string target = parse.GetValue(which)!;
            if (!Host(services).Trust.Remove(target))
            {
                throw new InvarLockException(ErrorCodes.Usage, $"'{target}' is not on the trust list");
            }
            console.Out.WriteLine($"removed {target} from the trust list");
            return ExitCodes.Success;
        });
        trust.Subcommands.Add(add);
        trust.Subcommands.Add(list);
        trust.Subcommands.Add(remove);
        return trust;
    }

    private static int List(IServiceProvider services, CliConsole console, bool json)
    {
        PluginHost host = Host(services);
        var rows = new List<ListRow>();
        foreach (PluginEntry e in services.GetRequiredService<PluginRegistry>().Entries)
        {
            rows.Add(new ListRow(e.Kind, e.Name, e.Version.ToString(), e.Source.Origin, e.Source.Package, e.Source.PackageVersion,
                e.SignerFingerprint, e.StatusText, e.Descriptor.Description));
        }
        foreach (PluginInspection p in host.Inspect())
        {
            if (p.Provides.Count == 0)
            {
                rows.Add(new ListRow(null, "-", p.Version ?? "-", "third-party", p.Id, p.Version, p.SignerFingerprint, p.StatusText, ""));
            }
            foreach (PluginProvision provision in p.Provides)
            {
                rows.Add(new ListRow(provision.Kind, provision.Name, p.Version ?? "-", "third-party", p.Id, p.Version, p.SignerFingerprint,
                    p.StatusText, $"from {p.Id}"));
            }
        }
        rows.Sort((a, b) => a.Kind != b.Kind ? Nullable.Compare(a.Kind, b.Kind) : string.CompareOrdinal(a.Name, b.Name));
        if (json)
        {
            var items = new JsonArray();
            foreach (ListRow r in rows)
            {
                items.Add(new JsonObject
                {
                    ["kind"] = r.Kind is { } k ? PluginManifestReader.KindText(k) : null,
                    ["name"] = r.Name,
                    ["version"] = r.Version,
                    ["origin"] = r.Origin,
                    ["package"] = r.Package,
                    ["package_version"] = r.PackageVersion,
                    ["signer"] = r.Signer,
                    ["status"] = r.Status,
                    ["description"] = r.Description,
                });
            }
            console.Out.WriteLine(new JsonObject
            {
                ["format"] = "plugins-v1",
                ["plugins_dir"] = host.Options.PluginsDirectory,
                ["trust_file"] = host.Options.TrustFile,
                ["third_party_enabled"] = host.Options.AllowThirdParty,
                ["items"] = items,
            }.ToJsonString());
            return ExitCodes.Success;
        }
        int nameWidth = Math.Max(4, rows.Count == 0 ? 4 : rows.Max(r => r.Name.Length));
        console.Out.WriteLine($"{"KIND",-8} {"NAME".PadRight(nameWidth)} {"VERSION",-9} {"ORIGIN",-12} STATUS");
        foreach (ListRow r in rows)
        {
            string kind = r.Kind is { } k ? PluginManifestReader.KindText(k) : "?";
            string origin = r.Origin == "first-party" ? "first-party" : r.Package;
            console.Out.WriteLine($"{kind,-8} {r.Name.PadRight(nameWidth)} {r.Version,-9} {origin,-12} {r.Status}");
        }
        console.Out.WriteLine($"plugins folder: {host.Options.PluginsDirectory}; trust list: {host.Options.TrustFile}; third-party plugins " +
            (host.Options.AllowThirdParty ? "enabled" : $"disabled (set {EnvironmentFlags.AllowThirdPartyPlugins}=1 to enable)"));
        return ExitCodes.Success;
    }

    private static int Verify(IServiceProvider services, CliConsole console, FileInfo file, bool json)
    {
        if (!file.Exists)
        {
            throw new InvarLockException(ErrorCodes.MissingFile, $"{file.FullName}: no such package file");
        }
        byte[] bytes = File.ReadAllBytes(file.FullName);
        PackageSignature signature = PluginSignatureVerifier.Verify(bytes, file.Name);
        PluginManifest manifest;
        using (var reader = new PackageArchiveReader(new MemoryStream(bytes, writable: false), leaveStreamOpen: false))
        {
            ZipArchiveEntry entry = reader.GetEntry("plugin/" + PluginManifest.FileName)
                ?? throw new InvarLockException(ErrorCodes.PluginRefused, $"{file.Name}: package has no plugin/{PluginManifest.FileName}");
            if (entry.Length > PluginManifestReader.MaxManifestBytes)
            {
                throw new InvarLockException(ErrorCodes.PluginRefused, $"{file.Name}: plugin/{PluginManifest.FileName} is larger than {PluginManifestReader.MaxManifestBytes} bytes");
            }
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            manifest = PluginManifestReader.Parse(copy.ToArray(), $"{file.Name}!plugin/{PluginManifest.FileName}");
        }
        string? incompatible = PluginManifestReader.CheckCompatibility(manifest.SdkVersion);
        bool trusted = Host(services).Trust.IsTrusted(signature.Fingerprint);
        if (json)
        {
            console.Out.WriteLine(new JsonObject
            {
                ["format"] = "plugin-verify-v1",
                ["id"] = manifest.Id,
                ["version"] = manifest.Version,
                ["sdk_version"] = manifest.SdkVersion,
                ["compatible"] = incompatible is null,
                ["signer"] = signature.Fingerprint,
                ["signer_subject"] = signature.Subject,
                ["signing_time"] = signature.SigningTime.ToString("O"),
                ["trusted"] = trusted,
            }.ToJsonString());
        }
        else
        {
            console.Out.WriteLine($"{manifest.Id} {manifest.Version}: signature valid");
            console.Out.WriteLine($"  signer     {signature.Fingerprint} ({signature.Subject}), signed {signature.SigningTime:O}");
            console.Out.WriteLine($"  trusted    {(trusted ? "yes" : $"no (to trust it: invarlock plugins trust add {signature.Fingerprint})")}");
            console.Out.WriteLine($"  sdk        {manifest.SdkVersion} ({incompatible ?? "compatible"})");
        }
        return incompatible is null ? ExitCodes.Success : ExitCodes.BadInput;
    }

    internal static PluginHost Host(IServiceProvider services)
    {
        PluginHost? host = services.GetService<PluginHost>();
        return host ?? new PluginHost(PluginHostOptions.FromEnvironment(CliEnvironment.Of(services)));
    }

    private sealed record ListRow(PluginKind? Kind, string Name, string Version, string Origin, string Package, string? PackageVersion,
        string? Signer, string Status, string Description);
}

/// <summary>The environment variables a command reads (tests register their own; otherwise the process environment).</summary>
internal sealed record CliEnvironment(IReadOnlyDictionary<string, string?> Variables)
{
    public static IReadOnlyDictionary<string, string?> Of(IServiceProvider services) =>
        services.GetService<CliEnvironment>()?.Variables ?? EnvironmentFlags.Capture();
}
