using System.Net;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// One network path of a connection: a local and a remote address with the state that belongs to
/// the address pair (RFC 9000 §8, §9, §14).
/// </summary>
/// <remarks>
/// A path has its address-validation state and anti-amplification counters (§8.1), path
/// validation with PATH_CHALLENGE / PATH_RESPONSE (§8.2), pending PATH_RESPONSE frames, and its
/// datagram size (raised by path MTU discovery, §14.3). The path that carries data also carries a
/// <see cref="PathRecovery"/>; a candidate path being probed has none.
/// </remarks>
internal sealed class QuicPath
{
    /// <summary>Outstanding PATH_RESPONSE frames kept per path; more are dropped (§8.2.2 allows it).</summary>
    public const int MaxPendingResponses = 4;

    private readonly Queue<ulong> _pendingResponses = new();

    public QuicPath(int id, IPEndPoint local, IPEndPoint remote, int maxDatagramSize)
    {
        Id = id;
        Local = local;
        Remote = remote;
        MaxDatagramSize = maxDatagramSize;
    }

    public int Id { get; }

    public IPEndPoint Local { get; set; }

    public IPEndPoint Remote { get; set; }

    /// <summary>The recovery state, on the path that carries data; null on a candidate path.</summary>
    public PathRecovery? Recovery { get; set; }

    /// <summary>The datagram size this path may use now.</summary>
    public int MaxDatagramSize { get; private set; }
    /// <summary>The peer's address on this path is validated (RFC 9000 §8): no amplification limit.</summary>
    public bool IsValidated { get; set; }

    /// <summary>Bytes received on this path (counted for the anti-amplification limit).</summary>
    public long BytesReceived { get; set; }

    /// <summary>Bytes sent on this path.</summary>
    public long BytesSent { get; set; }

    /// <summary>
    /// How many more bytes may be sent before the path is validated: three times what was received
    /// minus what was sent (RFC 9000 §8.1). Unlimited once validated.
    /// </summary>
    public long AmplificationBudget => IsValidated ? long.MaxValue : Math.Max(0, (3 * BytesReceived) - BytesSent);

    /// <summary>The data of our outstanding PATH_CHALLENGE, when validating this path.</summary>
    public ulong? ChallengeData { get; set; }

    /// <summary>A PATH_CHALLENGE must be (re)sent.</summary>
    public bool ChallengePending { get; set; }

    /// <summary>When validation of this path gives up (RFC 9000 §8.2.4: 3×PTO).</summary>
    public Instant ValidationDeadline { get; set; } = Instant.MaxValue;

    /// <summary>Path MTU discovery: the largest size still believed possible (probes above it failed or exceed the limits).</summary>
    public int MtuCeiling { get; set; }

    /// <summary>Path MTU discovery: the ceiling failed once, so the search bisects.</summary>
    public bool MtuSearching { get; set; }

    /// <summary>Path MTU discovery: probes of the current size lost in a row.</summary>
    public int MtuProbeLosses { get; set; }

    /// <summary>Path MTU discovery: the size of the probe in flight, 0 when none.</summary>
    public int MtuProbeInFlight { get; set; }

    /// <summary>Whether PATH_RESPONSE frames are waiting.</summary>
    public bool HasPendingResponses => _pendingResponses.Count > 0;

    /// <summary>Queues a PATH_RESPONSE echoing <paramref name="data"/>.</summary>
    public void QueueResponse(ulong data)
    {
        if (_pendingResponses.Count < MaxPendingResponses)
        {
            _pendingResponses.Enqueue(data);
        }
    }

    public bool TryPeekResponse(out ulong data) => _pendingResponses.TryPeek(out data);

    public void DequeueResponse() => _pendingResponses.Dequeue();

    /// <summary>Sets the datagram size (MTU discovery confirmed a larger one, or the peer's limit is smaller).</summary>
    public void SetMaxDatagramSize(int size)
    {
        MaxDatagramSize = size;
        Recovery?.SetMaxDatagramSize(size);
    }

    /// <summary>Whether this path joins <paramref name="local"/> and <paramref name="remote"/>.</summary>
    public bool Matches(IPEndPoint local, IPEndPoint remote) => Remote.Equals(remote) && (Local.Equals(local) || IsAnyAddress(Local) || IsAnyAddress(local));

    private static bool IsAnyAddress(IPEndPoint endPoint) =>
        endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any);
}
