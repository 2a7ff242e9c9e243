namespace Mycnet.Networking.Quic.Core;

/// <content>
/// Counts of what a connection holds, so tests that feed it hostile input can check that every
/// queue and table stays bounded. Reading them changes nothing.
/// </content>
internal sealed partial class Connection
{
    /// <summary>A snapshot of the sizes of the connection's queues and tables.</summary>
    internal ConnectionFootprint GetFootprint()
    {
        int cryptoBytes = 0;
        foreach (PacketSpaceState space in _spaces)
        {
            cryptoBytes += space.CryptoReceive.BufferCapacity;
        }

        return new ConnectionFootprint(
            BufferedPackets: _bufferedPackets.Count,
            PendingEvents: _events.Count,
            ReceivedDatagrams: _datagramsReceived.Count,
            QueuedDatagrams: _datagramsToSend.Count,
            Streams: _streams.StreamCount,
            Paths: _paths.Count,
            PeerConnectionIds: _peerCids.ActiveCount,
            LocalConnectionIds: _localCids.ActiveCount,
            CryptoReceiveBufferBytes: cryptoBytes);
    }

    /// <summary>Bytes of stream buffer segments in use now (send and receive, all streams).</summary>
    internal long StreamBufferBytes => _streams.AllocatedBufferBytes;
}

/// <summary>Sizes of a connection's queues and tables (see <see cref="Connection.GetFootprint"/>).</summary>
internal readonly record struct ConnectionFootprint(
    int BufferedPackets,
    int PendingEvents,
    int ReceivedDatagrams,
    int QueuedDatagrams,
    int Streams,
    int Paths,
    int PeerConnectionIds,
    int LocalConnectionIds,
    int CryptoReceiveBufferBytes);
