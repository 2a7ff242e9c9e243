using System.Text;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// Frame processing for a decrypted packet (RFC 9000 §12.4, §19; RFC 9221 §4). Each frame is
/// checked against the packet type it arrived in, parsed without allocation, and handed to the
/// component that owns it.
/// </content>
internal sealed partial class Connection
{
    // One scratch array per thread, not per connection: a connection is driven by one thread at a
    // time and uses it only inside OnAckFrame, so thousands of idle connections do not each hold 16 KiB.
    [ThreadStatic]
    private static PacketNumberRange[]? s_ackRangeScratch;

    private FrameSummary ProcessFrames(Instant now, EncryptionLevel level, PacketType packetType, ConnectionId packetDcid, QuicPath path, ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            // §12.4: a packet with no frames is a PROTOCOL_VIOLATION.
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "A packet carries no frames.");
        }

        var reader = new WireReader(payload);
        bool ackEliciting = false;
        bool nonProbing = false;
        PacketNumberSpace space = level.ToSpace();
        while (!reader.IsEnd)
        {
            if (!Frames.TryReadType(ref reader, out ulong type))
            {
                throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, "Unknown or badly encoded frame type.");
            }

            if (!Frames.IsAllowed(type, packetType))
            {
                throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, $"Frame type 0x{type:x} is not allowed in {packetType} packets.", type);
            }

            ackEliciting |= Frames.IsAckEliciting(type);
            nonProbing |= !Frames.IsProbing(type);
            if (!ProcessFrame(now, type, ref reader, space, packetDcid, path))
            {
                throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, $"Frame type 0x{type:x} is malformed.", type);
            }

            if (_state is ConnectionState.Draining or ConnectionState.Terminated)
            {
                break;
            }
        }

        return new FrameSummary(ackEliciting, nonProbing);
    }

    /// <returns>False when the frame does not parse (FRAME_ENCODING_ERROR).</returns>
    private bool ProcessFrame(Instant now, ulong type, ref WireReader reader, PacketNumberSpace space, ConnectionId packetDcid, QuicPath path)
    {
        switch (type)
        {
            case FrameType.Padding:
                return PaddingFrame.TryParse(ref reader, type, out _);
            case FrameType.Ping:
                return PingFrame.TryParse(ref reader, type, out _);
            case FrameType.Ack:
            case FrameType.AckEcn:
                if (!AckFrame.TryParse(ref reader, type, out AckFrame ack))
                {
                    return false;
                }

                OnAckFrame(now, space, path, ack);
                return true;
            case FrameType.Crypto:
                if (!CryptoFrame.TryParse(ref reader, type, out CryptoFrame crypto))
                {
                    return false;
                }

                OnCryptoFrame(now, space, crypto);
                return true;
            case FrameType.ResetStream:
                if (!ResetStreamFrame.TryParse(ref reader, type, out ResetStreamFrame reset))
                {
                    return false;
                }

                _streams.HandleResetStream(reset.StreamId, reset.ApplicationErrorCode, reset.FinalSize);
                return true;
            case FrameType.StopSending:
                if (!StopSendingFrame.TryParse(ref reader, type, out StopSendingFrame stop))
                {
                    return false;
                }

                _streams.HandleStopSending(stop.StreamId, stop.ApplicationErrorCode);
                return true;
            case FrameType.NewToken:
                if (!NewTokenFrame.TryParse(ref reader, type, out _))
                {
                    return false;
                }

                if (IsServer)
                {
                    throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "A client sent NEW_TOKEN.", type);
                }

                // Tokens for future connections are not stored yet; accepting the frame is correct.
                return true;
            case FrameType.MaxData:
                if (!MaxDataFrame.TryParse(ref reader, type, out MaxDataFrame maxData))
                {
                    return false;
                }

                _streams.HandleMaxData(maxData.MaximumData);
                return true;
            case FrameType.MaxStreamData:
                if (!MaxStreamDataFrame.TryParse(ref reader, type, out MaxStreamDataFrame maxStreamData))
                {
                    return false;
                }

                _streams.HandleMaxStreamData(maxStreamData.StreamId, maxStreamData.MaximumStreamData);
                return true;
            case FrameType.MaxStreamsBidi:
            case FrameType.MaxStreamsUni:
                if (!MaxStreamsFrame.TryParse(ref reader, type, out MaxStreamsFrame maxStreams))
                {
                    return false;
                }

                _streams.HandleMaxStreams(maxStreams.Bidirectional ? StreamDirection.Bidirectional : StreamDirection.Unidirectional, maxStreams.MaximumStreams);
                return true;
            case FrameType.DataBlocked:
                if (!DataBlockedFrame.TryParse(ref reader, type, out DataBlockedFrame dataBlocked))
                {
                    return false;
                }

                _streams.HandleDataBlocked(dataBlocked.MaximumData);
                return true;
            case FrameType.StreamDataBlocked:
                if (!StreamDataBlockedFrame.TryParse(ref reader, type, out StreamDataBlockedFrame streamDataBlocked))
                {
                    return false;
                }

                _streams.HandleStreamDataBlocked(streamDataBlocked.StreamId, streamDataBlocked.MaximumStreamData);
                return true;
            case FrameType.StreamsBlockedBidi:
            case FrameType.StreamsBlockedUni:
                if (!StreamsBlockedFrame.TryParse(ref reader, type, out StreamsBlockedFrame streamsBlocked))
                {
                    return false;
                }

                _streams.HandleStreamsBlocked(streamsBlocked.Bidirectional ? StreamDirection.Bidirectional : StreamDirection.Unidirectional, streamsBlocked.MaximumStreams);
                return true;
            case FrameType.NewConnectionId:
                if (!NewConnectionIdFrame.TryParse(ref reader, type, out NewConnectionIdFrame newCid))
                {
                    return false;
                }

                _peerCids.OnNewConnectionId(newCid.SequenceNumber, newCid.RetirePriorTo, newCid.ConnectionId, newCid.StatelessResetToken);
                return true;
            case FrameType.RetireConnectionId:
                if (!RetireConnectionIdFrame.TryParse(ref reader, type, out RetireConnectionIdFrame retire))
                {
                    return false;
                }

                _localCids.OnRetireConnectionId(retire.SequenceNumber, packetDcid);
                return true;
            case FrameType.PathChallenge:
                if (!PathChallengeFrame.TryParse(ref reader, type, out PathChallengeFrame challenge))
                {
                    return false;
                }

                // §8.2.2: answer on the path the challenge arrived on.
                path.QueueResponse(challenge.Data);
                return true;
            case FrameType.PathResponse:
                if (!PathResponseFrame.TryParse(ref reader, type, out PathResponseFrame response))
                {
                    return false;
                }

                OnPathResponse(now, response.Data);
                return true;
            case FrameType.ConnectionClose:
            case FrameType.ConnectionCloseApplication:
                if (!ConnectionCloseFrame.TryParse(ref reader, type, out ConnectionCloseFrame close))
                {
                    return false;
                }

                OnPeerClose(now, close);
                return true;
            case FrameType.HandshakeDone:
                if (!HandshakeDoneFrame.TryParse(ref reader, type, out _))
                {
                    return false;
                }

                if (IsServer)
                {
                    throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "A client sent HANDSHAKE_DONE.", type);
                }

                ConfirmHandshake(now);
                return true;
            case FrameType.Datagram:
            case FrameType.DatagramWithLength:
                if (!DatagramFrame.TryParse(ref reader, type, out DatagramFrame datagram))
                {
                    return false;
                }

                OnDatagramFrame(datagram.Data, type);
                return true;
            default:
                if (FrameType.IsStream(type))
                {
                    if (!StreamFrame.TryParse(ref reader, type, out StreamFrame stream))
                    {
                        return false;
                    }

                    _streams.HandleStreamFrame(stream.StreamId, stream.Offset, stream.Data, stream.Fin);
                    return true;
                }

                return false;
        }
    }

    private void OnAckFrame(Instant now, PacketNumberSpace space, QuicPath path, in AckFrame ack)
    {
        PacketNumberRange[] scratch = s_ackRangeScratch ??= new PacketNumberRange[1024];
        int count = 0;
        foreach (PacketNumberRange range in ack.GetRanges())
        {
            if (count == scratch.Length)
            {
                break; // The oldest ranges beyond our scratch are ignored; they were long since acknowledged or lost.
            }

            scratch[count++] = range;
        }

        int exponent = (int)(_peerParameters?.AckDelayExponent ?? TransportParameters.DefaultAckDelayExponent);
        TimeSpan ackDelay = space == PacketNumberSpace.ApplicationData ? ack.GetAckDelay(exponent) : TimeSpan.Zero;
        _lossTime = now;
        _currentAckDelay = ackDelay;
        _recovery.Loss.OnAckReceived(space, scratch.AsSpan(0, count), ackDelay, ack.Ecn, now, this);
        _tracer.OnMetricsUpdated(now, _recovery.Rtt, _recovery.Congestion.CongestionWindow, _recovery.Congestion.BytesInFlight);

        // RFC 9001 §4.1.2: a client may consider the handshake confirmed when a 1-RTT packet of its
        // own is acknowledged (the server could only read it after our Finished), so a lost or late
        // HANDSHAKE_DONE does not hold the Handshake keys and the idle timer back.
        if (!IsServer && space == PacketNumberSpace.ApplicationData && _handshakeComplete)
        {
            ConfirmHandshake(now);
        }
        _ = path;
    }

    private void OnCryptoFrame(Instant now, PacketNumberSpace space, in CryptoFrame crypto)
    {
        if (space == PacketNumberSpace.ApplicationData && !_handshakeComplete)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "1-RTT CRYPTO data before the handshake completed.", FrameType.Crypto);
        }

        PacketSpaceState state = Space(space);
        state.CryptoReceive.Add(crypto.Offset, crypto.Data);
        EncryptionLevel level = space switch
        {
            PacketNumberSpace.Initial => EncryptionLevel.Initial,
            PacketNumberSpace.Handshake => EncryptionLevel.Handshake,
            _ => EncryptionLevel.OneRtt,
        };
        DeliverCryptoData(level, now);
    }

    private void OnDatagramFrame(ReadOnlySpan<byte> data, ulong type)
    {
        // RFC 9221 §3: DATAGRAM frames beyond what we advertised are a PROTOCOL_VIOLATION.
        if (_settings.MaxDatagramFrameSize == 0)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "DATAGRAM frame received although datagrams were not negotiated.", type);
        }

        if (data.Length + 1 + (type == FrameType.DatagramWithLength ? VarInt.GetLength((ulong)data.Length) : 0) > _settings.MaxDatagramFrameSize)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "DATAGRAM frame larger than max_datagram_frame_size.", type);
        }

        if (_datagramsReceived.Count >= _settings.DatagramReceiveQueueLimit)
        {
            _datagramsReceived.Dequeue(); // Unreliable by design: the oldest unread one goes.
        }

        _datagramsReceived.Enqueue(data.ToArray());
        _datagramsReceivedCount++;
        _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.DatagramReceived));
    }

    private void OnPeerClose(Instant now, in ConnectionCloseFrame close)
    {
        string reason = DecodeReason(close.ReasonPhrase);
        _closeInfo ??= new ConnectionCloseInfo(CloseReason.PeerClosed, close.IsApplicationError, close.ErrorCode, close.TriggeringFrameType, reason);
        if (_state != ConnectionState.Closing)
        {
            _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.Closed));
        }

        // §10.2.2: the peer's CONNECTION_CLOSE moves us to draining (also from closing).
        EnterDraining(now);
    }

    private static string DecodeReason(ReadOnlySpan<byte> phrase)
    {
        if (phrase.IsEmpty)
        {
            return string.Empty;
        }

        ReadOnlySpan<byte> bounded = phrase.Length > 1024 ? phrase[..1024] : phrase;
        return Encoding.UTF8.GetString(bounded);
    }

    private readonly record struct FrameSummary(bool AckEliciting, bool NonProbing);
}
