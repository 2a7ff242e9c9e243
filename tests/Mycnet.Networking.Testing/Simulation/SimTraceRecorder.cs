using System.Buffers.Binary;
using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>One recorded datagram event.</summary>
public readonly record struct SimTraceEntry(
    SimDatagramEventKind Kind,
    Instant Time,
    IPEndPoint Source,
    IPEndPoint Destination,
    int Length,
    EcnCodepoint Ecn,
    SimDropCause? DropCause,
    ulong PayloadHash);

/// <summary>
/// Records a network's datagram events and folds all of them (kind, time, addresses, length, ECN, drop
/// cause, every payload byte) into a 64-bit FNV-1a <see cref="Fingerprint"/>, so two runs can be
/// compared for exact equality. Dispose to stop recording.
/// </summary>
public sealed class SimTraceRecorder : IDisposable
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly SimulatedNetwork _network;
    private readonly List<SimTraceEntry>? _entries;
    private readonly SimDatagramObserver _observer;
    private ulong _fingerprint = FnvOffset;

    /// <param name="network">The network to observe.</param>
    /// <param name="keepEntries">Whether to keep every entry in <see cref="Entries"/> (the fingerprint is always kept).</param>
    public SimTraceRecorder(SimulatedNetwork network, bool keepEntries = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        _network = network;
        _entries = keepEntries ? [] : null;
        _observer = Record;
        network.DatagramObserved += _observer;
    }

    /// <summary>Events recorded (empty when not keeping entries).</summary>
    public IReadOnlyList<SimTraceEntry> Entries => (IReadOnlyList<SimTraceEntry>?)_entries ?? [];

    /// <summary>Events seen.</summary>
    public long Count { get; private set; }

    /// <summary>A hash of every event seen, in order.</summary>
    public ulong Fingerprint => _fingerprint;

    public void Dispose() => _network.DatagramObserved -= _observer;

    private static ulong Fold(ulong hash, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            hash = unchecked((hash ^ b) * FnvPrime);
        }

        return hash;
    }

    private static ulong Fold(ulong hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return Fold(hash, bytes);
    }

    private static ulong Fold(ulong hash, IPEndPoint address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.Address.TryWriteBytes(bytes, out int written);
        return Fold(Fold(hash, bytes[..written]), address.Port);
    }

    private void Record(SimDatagramEvent datagram)
    {
        ulong payload = Fold(FnvOffset, datagram.Datagram);
        SimDropCause? cause = datagram.Kind == SimDatagramEventKind.Dropped ? datagram.DropCause : null;
        ulong h = _fingerprint;
        h = Fold(h, (long)datagram.Kind);
        h = Fold(h, datagram.Time.Ticks);
        h = Fold(h, datagram.Source);
        h = Fold(h, datagram.Destination);
        h = Fold(h, datagram.Length);
        h = Fold(h, (long)datagram.Ecn);
        h = Fold(h, cause is null ? -1 : (long)cause.Value);
        h = Fold(h, unchecked((long)payload));
        _fingerprint = h;
        Count++;
        _entries?.Add(new SimTraceEntry(datagram.Kind, datagram.Time, datagram.Source, datagram.Destination, datagram.Length, datagram.Ecn, cause, payload));
    }
}
