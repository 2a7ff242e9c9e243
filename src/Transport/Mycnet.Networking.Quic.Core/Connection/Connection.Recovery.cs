using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// What happens to frames when the packet that carried them is acknowledged or lost (RFC 9000
/// §13.3): lost information is sent again in new packets — never the packet itself — when it is
/// still relevant; acknowledged stream data frees send buffers.
/// </content>
internal sealed partial class Connection
{
    void ISentPacketSink.OnPacketAcked(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames)
    {
        if (space == PacketNumberSpace.ApplicationData)
        {
            _keys.OneRtt?.OnPacketAcknowledged(packet.PacketNumber);
            if (packet.PacketNumber == _pingPacketNumber)
            {
                _pingPacketNumber = null;
                _pingsRequested = 0;
                _events.Enqueue(new ConnectionEvent(ConnectionEventKind.PingAcknowledged, AckDelay: _currentAckDelay));
            }
        }

        if (packet.IsPathMtuProbe)
        {
            OnMtuProbeAcked(packet.Size);
        }

        foreach (ref readonly SentFrame frame in frames)
        {
            switch (frame.Kind)
            {
                case SentFrameKind.Ack:
                    Space(space).Received.OnAckFrameAcknowledged(frame.Value);
                    break;
                case SentFrameKind.Crypto:
                    Space(space).CryptoSend.OnAcked(frame.Offset, frame.Length);
                    break;
                case SentFrameKind.Stream:
                    _streams.OnStreamDataAcked(frame.StreamId, frame.Offset, frame.Length, frame.Fin);
                    break;
                case var kind when IsStreamControlFrame(kind):
                    _streams.OnControlFrameAcked(FromSentFrame(in frame));
                    break;
                case SentFrameKind.RetireConnectionId:
                    _peerCids.OnRetireFrameAcked(frame.Value);
                    break;
            }
        }
    }

    void ISentPacketSink.OnPacketLost(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames)
    {
        _packetsLost++;
        _tracer.OnPacketLost(_lossTime, space, packet.PacketNumber, packet.Size, frames);
        if (packet.IsPathMtuProbe)
        {
            OnMtuProbeLost(packet.Size);
        }

        if (Space(space).IsDiscarded)
        {
            return;
        }

        if (space == PacketNumberSpace.ApplicationData && packet.PacketNumber == _pingPacketNumber)
        {
            // The packet answering a PING request was lost: send another.
            _pingPacketNumber = null;
            Space(space).PingPending = true;
        }

        foreach (ref readonly SentFrame frame in frames)
        {
            switch (frame.Kind)
            {
                case SentFrameKind.Crypto:
                    Space(space).CryptoSend.OnLost(frame.Offset, frame.Length);
                    break;
                case SentFrameKind.Stream:
                    _streams.OnStreamDataLost(frame.StreamId, frame.Offset, frame.Length, frame.Fin);
                    break;
                case var kind when IsStreamControlFrame(kind):
                    _streams.OnControlFrameLost(FromSentFrame(in frame));
                    break;
                case SentFrameKind.HandshakeDone:
                    _handshakeDonePending = true;
                    break;
                case SentFrameKind.NewConnectionId:
                    _localCids.OnNewIdFrameLost(frame.Value);
                    break;
                case SentFrameKind.RetireConnectionId:
                    _peerCids.OnRetireFrameLost(frame.Value);
                    break;
                case SentFrameKind.PathChallenge:
                    foreach (QuicPath path in _paths)
                    {
                        if (path.ChallengeData == frame.Value)
                        {
                            path.ChallengePending = true;
                        }
                    }

                    break;

                // PING, ACK, PATH_RESPONSE and DATAGRAM frames are not retransmitted (§13.3, RFC 9221 §5.2).
            }
        }
    }

    private Instant _lossTime;

    /// <summary>
    /// RFC 9002 §6.2.4: a probe should carry data rather than a bare PING. With no new stream data
    /// to send, the stream data of the oldest outstanding packet is queued again (the packet stays
    /// outstanding; bytes acknowledged meanwhile are not re-sent), so under heavy loss a probe that
    /// gets through delivers the data instead of only eliciting an ACK. CRYPTO data has the same
    /// rule in <see cref="CryptoSendBuffer.QueueOldestUnacknowledgedForProbe"/>.
    /// </summary>
    private void QueueOldestStreamDataForProbe()
    {
        if (_streams.HasStreamDataToSend)
        {
            return;
        }

        foreach (ref readonly SentFrame frame in _recovery.Loss.GetSpace(PacketNumberSpace.ApplicationData).GetOldestOutstandingFrames())
        {
            if (frame.Kind == SentFrameKind.Stream)
            {
                _streams.OnStreamDataLost(frame.StreamId, frame.Offset, frame.Length, frame.Fin);
            }
        }
    }

    /// <summary>The ACK Delay of the ACK frame being processed (RFC 9000 §19.3), for PING round trips.</summary>
    private TimeSpan _currentAckDelay;

    /// <summary>Frames the stream manager owns (flow control and stream state), retransmitted by it.</summary>
    private static bool IsStreamControlFrame(SentFrameKind kind) => kind is
        SentFrameKind.ResetStream or SentFrameKind.StopSending or SentFrameKind.MaxData or SentFrameKind.MaxStreamData or
        SentFrameKind.MaxStreamsBidi or SentFrameKind.MaxStreamsUni or SentFrameKind.DataBlocked or
        SentFrameKind.StreamDataBlocked or SentFrameKind.StreamsBlockedBidi or SentFrameKind.StreamsBlockedUni;
}
