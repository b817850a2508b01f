using System.Net.Http;
using System.Net.Sockets;
using InvarLock.Sdk.Errors;

namespace InvarLock.Core.Security;

/// <summary>The single place where the tool may open a network connection. Every connection is refused unless
/// <c>INVARLOCK_ALLOW_NETWORK</c> is true; no other type in the tool references sockets or HTTP (a test scans the
/// assemblies for it).</summary>
internal sealed class NetworkGate
{
    private readonly bool _allowed;

    /// <summary>Creates the gate from an environment snapshot.</summary>
    public NetworkGate(IReadOnlyDictionary<string, string?> environment) =>
        _allowed = EnvironmentFlags.IsSet(environment, EnvironmentFlags.AllowNetwork);

    /// <summary>True when network access was allowed by the operator.</summary>
    public bool IsAllowed => _allowed;

    /// <summary>Throws <see cref="ErrorCodes.SecurityRefused"/> unless network access is allowed.</summary>
    /// <param name="purpose">What the connection is for, shown in the refusal (for example "download wikitext2").</param>
    public void EnsureAllowed(string purpose)
    {
        if (!_allowed)
        {
            throw new InvarLockException(ErrorCodes.SecurityRefused,
                $"network access refused ({purpose}): the tool is offline by default; set {EnvironmentFlags.AllowNetwork}=1 to allow it");
        }
    }

    /// <summary>An <see cref="HttpClient"/> whose every connection passes through this gate. Refused connections fail
    /// before a socket is opened, even if the allowance is checked late (for example on a redirect).</summary>
    public HttpClient CreateHttpClient(string purpose)
    {
        EnsureAllowed(purpose);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                EnsureAllowed(purpose);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler, disposeHandler: true);
    }
}
