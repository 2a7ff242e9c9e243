using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// What a probe needs for one attempt: the interface under test, the target, the clock, and a factory
/// for sockets already bound to the interface (SO_BINDTODEVICE on Linux, plus the interface's source
/// address) and created in the network namespace the manager serves.
/// </summary>
public sealed class BackhaulProbeContext
{
    private readonly Func<AddressFamily, SocketType, ProtocolType, Socket> _socketFactory;
    private readonly Func<long> _nonceSource;

    internal BackhaulProbeContext(
        string interfaceName,
        int interfaceIndex,
        IPAddress sourceAddress,
        BackhaulProbeTarget target,
        TimeSpan timeout,
        TimeProvider timeProvider,
        Func<long> nonceSource,
        Func<AddressFamily, SocketType, ProtocolType, Socket> socketFactory)
    {
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
        SourceAddress = sourceAddress;
        Target = target;
        Timeout = timeout;
        TimeProvider = timeProvider;
        _nonceSource = nonceSource;
        _socketFactory = socketFactory;
    }

    /// <summary>The interface under test, e.g. <c>wlan0</c>.</summary>
    public string InterfaceName { get; }

    /// <summary>The kernel's index of the interface.</summary>
    public int InterfaceIndex { get; }

    /// <summary>The interface's source address in the target's address family.</summary>
    public IPAddress SourceAddress { get; }

    /// <summary>The target of this attempt.</summary>
    public BackhaulProbeTarget Target { get; }

    /// <summary>The attempt's timeout; the cancellation token passed to the probe fires when it elapses.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The manager's clock; measure round-trip times with its timestamps.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>A random value from the manager's random source (seeded in tests), e.g. for echo nonces; thread-safe.</summary>
    public long NextNonce() => _nonceSource();

    /// <summary>
    /// Creates a socket bound to the interface under test (device and source address, port 0). The
    /// caller owns and disposes it. Throws <see cref="BackhaulException"/> (kind Probe) when the socket
    /// cannot be created or bound.
    /// </summary>
    public Socket CreateBoundSocket(SocketType socketType, ProtocolType protocolType) =>
        _socketFactory(SourceAddress.AddressFamily, socketType, protocolType);
}
