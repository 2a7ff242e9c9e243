using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// The send path. A transmit is one datagram, or with GSO several of equal size. A datagram holds
/// up to three coalesced packets (Initial, Handshake, 1-RTT; RFC 9000 §12.2), laid out first and
/// sealed last, so that the last packet can be padded when a datagram with an Initial packet must
/// reach 1200 bytes (§14.1) and every packet is long enough for the header protection sample
/// (RFC 9001 §5.4.2). Ack-eliciting data is gated by the congestion window and the pacer; ACK-only
/// packets and PTO probes are not (RFC 9002 §7). A server sends at most three times what it
/// received until the client's address is validated (RFC 9000 §8.1).
/// </content>
internal sealed partial class Connection
{
    /// <summary>The most packets one datagram coalesces: one per packet number space.</summary>
    private const int MaxPacketsPerDatagram = 3;

    /// <summary>The smallest amplification allowance worth a datagram on a new path (header, PATH_CHALLENGE, ACK, tag).</summary>
    private const int MinShortDatagramBudget = 64;

    /// <summary>Frames recorded per packet for retransmission; a packet with more is closed early.</summary>
    private const int MaxFramesPerPacket = 64;

    private bool _datagramCarriesPathFrame;
    private readonly PendingPacket[] _pendingPackets = new PendingPacket[MaxPacketsPerDatagram];
    // The frames of the packets one datagram carries: filled and consumed within one call (a sealed
    // packet's frames are copied into the sent-packet tracker). Per thread rather than per
    // connection, like the ACK range scratch: a connection is driven by one thread at a time and the
    // core never re-enters another connection mid-call, so idle connections do not each hold 8 KiB.
    [ThreadStatic]
    private static SentFrame[]? sSentFrames;
    private readonly PacketNumberRange[] _ackScratch = new PacketNumberRange[ReceivedPacketTracker.DefaultMaxRanges];

    /// <summary>
    /// Output: fills <paramref name="buffer"/> with the next datagram(s) to send. Call until it
    /// returns false after every input and command.
    /// </summary>
    public bool TryPollTransmit(Instant now, Span<byte> buffer, out Transmit transmit)
    {
        transmit = default;
        switch (_state)
        {
            case ConnectionState.Draining:
            case ConnectionState.Terminated:
                return false;
            case ConnectionState.Closing:
                return TryPollCloseTransmit(now, buffer, out transmit);
        }

        if (TryPollCandidatePathTransmit(now, buffer, out transmit) || TryPollMtuProbe(now, buffer, out transmit))
        {
            return true;
        }

        QuicPath path = _path;
        int segmentSize = Math.Min(path.MaxDatagramSize, buffer.Length);
        if (segmentSize < MinInitialDatagramSize)
        {
            throw new ArgumentException($"The transmit buffer must hold at least {MinInitialDatagramSize} bytes.", nameof(buffer));
        }

        int maxSegments = _handshakeConfirmed ? _settings.MaxSegmentsPerTransmit : 1;
        bool markEct0 = _recovery.Ecn.ShouldMarkEct0;
        int total = 0;
        int segments = 0;
        while (segments < maxSegments && buffer.Length - total >= segmentSize)
        {
            int size = BuildDatagram(now, path, buffer.Slice(total, segmentSize), markEct0);
            if (size == 0)
            {
                break;
            }

            total += size;
            segments++;
            if (size < segmentSize)
            {
                break; // With GSO only the last datagram may be short.
            }
        }

        if (total == 0)
        {
            return false;
        }

        _datagramsSentCount += segments;
        _bytesSent += total;
        transmit = new Transmit(path.Local, path.Remote, total, segments > 1 ? segmentSize : total, markEct0 ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct);
        return true;
    }

    /// <summary>Lays out, pads and seals one datagram; returns its length, 0 when there is nothing to send.</summary>
    private static SentFrame[] SentFrames => sSentFrames ??= new SentFrame[MaxPacketsPerDatagram * MaxFramesPerPacket];

    private int BuildDatagram(Instant now, QuicPath path, Span<byte> datagram, bool markEct0)
    {
        int budget = (int)Math.Min(datagram.Length, path.AmplificationBudget);
        if (budget < MinInitialDatagramSize && !path.IsValidated && (!_handshakeComplete || budget < MinShortDatagramBudget))
        {
            // §8.1: blocked by the anti-amplification limit until the peer sends more. During the
            // handshake a datagram must be able to carry a padded Initial; after it, a new path may
            // get smaller datagrams (§8.2.1: PATH_CHALLENGE is padded only as far as the limit allows).
            _recovery.Loss.SetAmplificationLimited(true, now);
            return 0;
        }

        Span<byte> room = datagram[..budget];
        _datagramCarriesPathFrame = false;
        int position = 0;
        int packetCount = 0;
        int frameCount = 0;
        bool hasInitial = false;
        bool initialAckEliciting = false;

        for (int s = 0; s < EncryptionLevelExtensions.SpaceCount; s++)
        {
            var spaceId = (PacketNumberSpace)s;
            if (!CanSendInSpace(spaceId))
            {
                continue;
            }

            int remaining = room.Length - position;
            if (remaining < 64)
            {
                break;
            }

            int framesBefore = frameCount;
            if (!TryWritePacket(now, path, spaceId, room[position..], ref frameCount, out PendingPacket packet))
            {
                frameCount = framesBefore;
                continue;
            }

            packet = packet with { Start = position, FrameStart = framesBefore, FrameCount = frameCount - framesBefore };
            _pendingPackets[packetCount++] = packet;
            position += packet.Length;
            if (spaceId == PacketNumberSpace.Initial)
            {
                hasInitial = true;
                initialAckEliciting |= packet.AckEliciting;
            }
        }

        if (packetCount == 0)
        {
            return 0;
        }

        // §14.1: a client pads every datagram with an Initial packet; a server pads those with
        // ack-eliciting Initial packets. §8.2.1, §8.2.2: datagrams with PATH_CHALLENGE or
        // PATH_RESPONSE are padded too, as far as the amplification limit allows. Padding goes at
        // the end of the last packet.
        bool padInitial = hasInitial && (!IsServer || initialAckEliciting);
        int padTo = Math.Min(MinInitialDatagramSize, room.Length);
        if ((padInitial || _datagramCarriesPathFrame) && position < padTo)
        {
            ref PendingPacket last = ref _pendingPackets[packetCount - 1];
            int padding = padTo - position;
            room.Slice(last.Start + last.Length - CipherSuiteInfo.TagLength, padding).Clear();
            last = last with { PayloadLength = last.PayloadLength + padding, Length = last.Length + padding };
            position += padding;
        }

        int size = position;
        for (int i = 0; i < packetCount; i++)
        {
            SealPacket(now, room, in _pendingPackets[i], markEct0);
        }

        path.BytesSent += size;
        return size;
    }

    private bool CanSendInSpace(PacketNumberSpace space)
    {
        PacketSpaceState state = Space(space);
        if (state.IsDiscarded)
        {
            return false;
        }

        return space switch
        {
            PacketNumberSpace.Initial => _keys.CanWrite(EncryptionLevel.Initial),
            PacketNumberSpace.Handshake => _keys.CanWrite(EncryptionLevel.Handshake),
            _ => _keys.OneRtt is not null && _handshakeComplete,
        };
    }

    /// <summary>Writes one packet's header and frames (unprotected) at the start of <paramref name="room"/>.</summary>
    /// <returns>False when the space has nothing to send now.</returns>
    private bool TryWritePacket(Instant now, QuicPath path, PacketNumberSpace spaceId, Span<byte> room, ref int frameCount, out PendingPacket packet)
    {
        packet = default;
        PacketSpaceState space = Space(spaceId);
        LossDetector loss = _recovery.Loss;
        int probes = loss.GetProbesOwed(spaceId);
        bool ackDue = space.Received.IsAckPending && (space.Received.IsAckImmediate || now >= space.Received.AckDeadline);
        bool mayElicit = probes > 0 || MaySendAckEliciting(now, path, spaceId);
        if (probes > 0 && spaceId != PacketNumberSpace.ApplicationData && !space.CryptoSend.HasPendingData)
        {
            // RFC 9002 §6.2.4: a probe re-sends the oldest unacknowledged CRYPTO data if there is any.
            space.CryptoSend.QueueOldestUnacknowledgedForProbe();
        }

        bool hasData = mayElicit && HasAckElicitingData(spaceId, path, probes);
        if (!hasData && !ackDue)
        {
            return false;
        }

        // Header.
        ulong packetNumber = space.NextPacketNumber;
        SentPacketTracker tracker = loss.GetSpace(spaceId);
        int pnLength = PacketNumber.GetEncodedLength(packetNumber, tracker.HasLargestAcked ? tracker.LargestAcked : null);
        ulong truncated = PacketNumber.Truncate(packetNumber, pnLength);
        ConnectionId dcid = _peerCids.Current;
        ConnectionId scid = _initialSourceCid;
        var writer = new WireWriter(room[..(room.Length - CipherSuiteInfo.TagLength)]);
        int pnOffset;
        int lengthOffset = -1;
        PacketType type;
        if (spaceId == PacketNumberSpace.ApplicationData)
        {
            type = PacketType.OneRtt;
            pnOffset = ShortHeader.Write(ref writer, dcid.Span, spinBit: false, keyPhase: _keys.OneRtt!.KeyPhase, truncated, pnLength);
        }
        else
        {
            type = spaceId == PacketNumberSpace.Initial ? PacketType.Initial : PacketType.Handshake;
            ReadOnlySpan<byte> token = IsServer || spaceId != PacketNumberSpace.Initial ? default : _token;
            LongHeaderLayout layout = LongHeader.Write(ref writer, type, QuicVersion.Version1, dcid.Span, scid.Span, token, truncated, pnLength);
            pnOffset = layout.PacketNumberOffset;
            lengthOffset = layout.LengthOffset;
        }

        int headerLength = writer.Position;
        int framesStart = frameCount;
        bool ackEliciting = false;

        // ACK first: it is small, and a packet that carries data should acknowledge too.
        if (space.Received.IsAckPending && (ackDue || hasData))
        {
            WriteAckFrame(now, space, ref writer, ref frameCount);
        }

        if (hasData)
        {
            ackEliciting = WriteAckElicitingFrames(path, spaceId, space, probes, ref writer, ref frameCount);
        }

        if (frameCount == framesStart)
        {
            return false;
        }

        // RFC 9001 §5.4.2: the header protection sample needs pn + payload ≥ 4 bytes.
        int payloadLength = writer.Position - headerLength;
        if (pnLength + payloadLength < 4)
        {
            writer.WriteZeros(4 - pnLength - payloadLength);
            payloadLength = writer.Position - headerLength;
        }

        space.NextPacketNumber = packetNumber + 1;
        packet = new PendingPacket(spaceId, type, packetNumber, 0, headerLength + payloadLength + CipherSuiteInfo.TagLength, headerLength, payloadLength, pnOffset, pnLength, lengthOffset, 0, 0, ackEliciting);
        return true;
    }

    private bool MaySendAckEliciting(Instant now, QuicPath path, PacketNumberSpace spaceId)
    {
        if (_recovery.Congestion.AvailableWindow < path.MaxDatagramSize)
        {
            return false;
        }

        if (spaceId != PacketNumberSpace.ApplicationData)
        {
            return true;
        }

        Instant next = _recovery.Pacer.GetNextSendTime(now, path.MaxDatagramSize, _recovery.Congestion.CongestionWindow, _recovery.Rtt.SmoothedRtt);
        if (next > now)
        {
            _pacingDeadline = Instant.Min(_pacingDeadline, next);
            if (HasAckElicitingData(spaceId, path, probes: 0))
            {
                // Held back by the pacer, not short of data: the window is in use (RFC 9002 §7.8).
                _recovery.Congestion.OnPacingLimited();
            }

            return false;
        }

        return true;
    }

    private bool HasAckElicitingData(PacketNumberSpace spaceId, QuicPath path, int probes)
    {
        PacketSpaceState space = Space(spaceId);
        if (probes > 0 || space.PingPending || space.CryptoSend.HasPendingData)
        {
            return true;
        }

        if (spaceId != PacketNumberSpace.ApplicationData)
        {
            return false;
        }

        return _handshakeDonePending || path.HasPendingResponses || path.ChallengePending ||
            _localCids.HasPendingFrames || _peerCids.HasPendingFrames ||
            _streams.HasControlFrames || _datagramsToSend.Count > 0 || _streams.HasStreamDataToSend;
    }

    private void WriteAckFrame(Instant now, PacketSpaceState space, ref WireWriter writer, ref int frameCount)
    {
        int count = space.Received.CopyRanges(_ackScratch);
        if (count == 0)
        {
            return;
        }

        ulong delay = space.Space == PacketNumberSpace.ApplicationData ? space.Received.EncodeAckDelay(now, _settings.AckDelayExponent) : 0;
        EcnCounts? ecn = space.Received.EcnCounts;
        ReadOnlySpan<PacketNumberRange> ranges = _ackScratch.AsSpan(0, count);
        int fits = AckFrame.GetRangeCountThatFits(ranges, delay, ecn, writer.Remaining);
        if (fits == 0)
        {
            return;
        }

        AckFrame.Write(ref writer, ranges[..fits], delay, ecn);
        space.Received.OnAckSent();
        SentFrames[frameCount++] = SentFrame.Ack(ranges[0].End);
    }

    /// <returns>Whether an ack-eliciting frame was written.</returns>
    private bool WriteAckElicitingFrames(QuicPath path, PacketNumberSpace spaceId, PacketSpaceState space, int probes, ref WireWriter writer, ref int frameCount)
    {
        int start = frameCount;
        int frameLimit = start + MaxFramesPerPacket - 2;

        // CRYPTO data (all spaces).
        while (space.CryptoSend.HasPendingData && frameCount < frameLimit)
        {
            int maxData = CryptoFrame.GetMaxDataLength((ulong)space.CryptoSend.Length, writer.Remaining);
            if (maxData <= 0 || !space.CryptoSend.TryTake(maxData, out ulong offset, out int length))
            {
                break;
            }

            CryptoFrame.WriteHeader(ref writer, offset, length);
            writer.WriteBytes(space.CryptoSend.GetData(offset, length));
            SentFrames[frameCount++] = SentFrame.Crypto(offset, length);
        }

        if (spaceId == PacketNumberSpace.ApplicationData)
        {
            WriteApplicationFrames(path, ref writer, ref frameCount, frameLimit);
        }

        bool elicits = false;
        for (int i = start; i < frameCount; i++)
        {
            if (SentFrames[i].Kind != SentFrameKind.Ack)
            {
                elicits = true;
                break;
            }
        }

        if (!elicits && (probes > 0 || space.PingPending) && writer.Remaining >= PingFrame.EncodedLength)
        {
            writer.WriteByte((byte)FrameType.Ping);
            SentFrames[frameCount++] = SentFrame.Ping();
            elicits = true;
        }

        if (elicits)
        {
            space.PingPending = false;
        }

        return elicits;
    }

    private void WriteApplicationFrames(QuicPath path, ref WireWriter writer, ref int frameCount, int frameLimit)
    {
        if (_handshakeDonePending && writer.Remaining >= HandshakeDoneFrame.EncodedLength)
        {
            writer.WriteByte((byte)FrameType.HandshakeDone);
            SentFrames[frameCount++] = SentFrame.HandshakeDone();
            _handshakeDonePending = false;
        }

        while (path.TryPeekResponse(out ulong response) && writer.Remaining >= PathResponseFrame.EncodedLength && frameCount < frameLimit)
        {
            new PathResponseFrame(response).Write(ref writer);
            path.DequeueResponse();
            SentFrames[frameCount++] = SentFrame.PathResponse(response);
            _datagramCarriesPathFrame = true;
        }

        if (path.ChallengePending && path.ChallengeData is { } challenge && writer.Remaining >= PathChallengeFrame.EncodedLength)
        {
            new PathChallengeFrame(challenge).Write(ref writer);
            path.ChallengePending = false;
            SentFrames[frameCount++] = SentFrame.PathChallenge(challenge);
            _datagramCarriesPathFrame = true;
        }

        // Connection IDs: NEW_CONNECTION_ID is at most 1 + 8 + 8 + 1 + 20 + 16 bytes.
        while (_localCids.HasPendingFrames && writer.Remaining >= 54 && frameCount < frameLimit &&
            _localCids.TryDequeueNewIdFrame(out ulong sequence, out ConnectionId id, out StatelessResetToken token))
        {
            new NewConnectionIdFrame(sequence, 0, id, token).Write(ref writer);
            SentFrames[frameCount++] = SentFrame.NewConnectionId(sequence);
        }

        while (_peerCids.HasPendingFrames && writer.Remaining >= 9 && frameCount < frameLimit && _peerCids.TryDequeueRetireFrame(out ulong retired))
        {
            new RetireConnectionIdFrame(retired).Write(ref writer);
            SentFrames[frameCount++] = SentFrame.RetireConnectionId(retired);
        }

        // Flow control and stream state frames.
        while (frameCount < frameLimit && _streams.TryPollControlFrame(writer.Remaining, out StreamControlFrame control))
        {
            WriteControlFrame(ref writer, in control);
            SentFrames[frameCount++] = ToSentFrame(in control);
        }

        // Datagrams (RFC 9221): never retransmitted; kept for the next packet when they do not fit.
        while (_datagramsToSend.TryPeek(out byte[]? datagram) && frameCount < frameLimit)
        {
            int needed = DatagramFrame.GetHeaderLength(datagram.Length, includeLength: true) + datagram.Length;
            if (needed > writer.Remaining)
            {
                break;
            }

            DatagramFrame.WriteHeader(ref writer, datagram.Length, includeLength: true);
            writer.WriteBytes(datagram);
            _datagramsToSend.Dequeue();
            SentFrames[frameCount++] = SentFrame.Datagram(datagram.Length);
        }

        // Stream data, round-robin across streams.
        while (frameCount < frameLimit && writer.Remaining > 8 && _streams.TryPollStreamChunk(writer.Remaining, out StreamChunk chunk))
        {
            StreamFrame.WriteHeader(ref writer, chunk.StreamId, chunk.Offset, chunk.Length, chunk.Fin, includeLength: true);
            _streams.CopyStreamData(in chunk, writer.Free);
            writer.Advance(chunk.Length);
            SentFrames[frameCount++] = SentFrame.Stream(chunk.StreamId, chunk.Offset, chunk.Length, chunk.Fin);
        }

        if (!_streams.HasStreamDataToSend && _datagramsToSend.Count == 0 && _recovery.Congestion.AvailableWindow > path.MaxDatagramSize)
        {
            _recovery.Congestion.OnApplicationLimited();
        }
    }

    private static void WriteControlFrame(ref WireWriter writer, in StreamControlFrame frame)
    {
        switch (frame.Type)
        {
            case StreamControlFrameType.ResetStream:
                new ResetStreamFrame(frame.StreamId, frame.ErrorCode, frame.FinalSize).Write(ref writer);
                break;
            case StreamControlFrameType.StopSending:
                new StopSendingFrame(frame.StreamId, frame.ErrorCode).Write(ref writer);
                break;
            case StreamControlFrameType.MaxData:
                new MaxDataFrame(frame.Value).Write(ref writer);
                break;
            case StreamControlFrameType.MaxStreamData:
                new MaxStreamDataFrame(frame.StreamId, frame.Value).Write(ref writer);
                break;
            case StreamControlFrameType.MaxStreamsBidi:
            case StreamControlFrameType.MaxStreamsUni:
                new MaxStreamsFrame(frame.Type == StreamControlFrameType.MaxStreamsBidi, frame.Value).Write(ref writer);
                break;
            case StreamControlFrameType.DataBlocked:
                new DataBlockedFrame(frame.Value).Write(ref writer);
                break;
            case StreamControlFrameType.StreamDataBlocked:
                new StreamDataBlockedFrame(frame.StreamId, frame.Value).Write(ref writer);
                break;
            case StreamControlFrameType.StreamsBlockedBidi:
            case StreamControlFrameType.StreamsBlockedUni:
                new StreamsBlockedFrame(frame.Type == StreamControlFrameType.StreamsBlockedBidi, frame.Value).Write(ref writer);
                break;
        }
    }

    private static SentFrame ToSentFrame(in StreamControlFrame frame) => frame.Type switch
    {
        StreamControlFrameType.ResetStream => SentFrame.ResetStream(frame.StreamId, frame.ErrorCode, frame.FinalSize),
        StreamControlFrameType.StopSending => SentFrame.StopSending(frame.StreamId, frame.ErrorCode),
        StreamControlFrameType.MaxData => SentFrame.MaxData(frame.Value),
        StreamControlFrameType.MaxStreamData => SentFrame.MaxStreamData(frame.StreamId, frame.Value),
        StreamControlFrameType.MaxStreamsBidi => SentFrame.MaxStreams(true, frame.Value),
        StreamControlFrameType.MaxStreamsUni => SentFrame.MaxStreams(false, frame.Value),
        StreamControlFrameType.DataBlocked => SentFrame.DataBlocked(frame.Value),
        StreamControlFrameType.StreamDataBlocked => SentFrame.StreamDataBlocked(frame.StreamId, frame.Value),
        StreamControlFrameType.StreamsBlockedBidi => SentFrame.StreamsBlocked(true, frame.Value),
        _ => SentFrame.StreamsBlocked(false, frame.Value),
    };

    private static StreamControlFrame FromSentFrame(in SentFrame frame) => frame.Kind switch
    {
        SentFrameKind.ResetStream => StreamControlFrame.ResetStream(frame.StreamId, frame.Value, frame.Offset),
        SentFrameKind.StopSending => StreamControlFrame.StopSending(frame.StreamId, frame.Value),
        SentFrameKind.MaxData => StreamControlFrame.MaxData(frame.Value),
        SentFrameKind.MaxStreamData => StreamControlFrame.MaxStreamData(frame.StreamId, frame.Value),
        SentFrameKind.MaxStreamsBidi => StreamControlFrame.MaxStreams(StreamDirection.Bidirectional, frame.Value),
        SentFrameKind.MaxStreamsUni => StreamControlFrame.MaxStreams(StreamDirection.Unidirectional, frame.Value),
        SentFrameKind.DataBlocked => StreamControlFrame.DataBlocked(frame.Value),
        SentFrameKind.StreamDataBlocked => StreamControlFrame.StreamDataBlocked(frame.StreamId, frame.Value),
        SentFrameKind.StreamsBlockedBidi => StreamControlFrame.StreamsBlocked(StreamDirection.Bidirectional, frame.Value),
        _ => StreamControlFrame.StreamsBlocked(StreamDirection.Unidirectional, frame.Value),
    };

    /// <summary>
    /// Starts a standalone 1-RTT packet (path probes, MTU probes): takes the next packet number and
    /// writes the short header into <paramref name="writer"/>.
    /// </summary>
    private (ulong PacketNumber, int PnOffset, int PnLength) WriteStandaloneShortHeader(ref WireWriter writer)
    {
        PacketSpaceState space = Space(PacketNumberSpace.ApplicationData);
        ulong packetNumber = space.NextPacketNumber++;
        SentPacketTracker tracker = _recovery.Loss.GetSpace(PacketNumberSpace.ApplicationData);
        int pnLength = PacketNumber.GetEncodedLength(packetNumber, tracker.HasLargestAcked ? tracker.LargestAcked : null);
        ConnectionId dcid = _peerCids.Current;
        int pnOffset = ShortHeader.Write(ref writer, dcid.Span, false, _keys.OneRtt!.KeyPhase, PacketNumber.Truncate(packetNumber, pnLength), pnLength);
        return (packetNumber, pnOffset, pnLength);
    }

    /// <summary>Fills in the Length field, encrypts the payload and applies header protection; records the packet as sent.</summary>
    private void SealPacket(Instant now, Span<byte> room, in PendingPacket p, bool markEct0)
    {
        Span<byte> packet = room.Slice(p.Start, p.Length);
        if (p.LengthOffset >= 0)
        {
            LongHeader.WriteLength(packet, new LongHeaderLayout(0, p.LengthOffset, p.PnOffset, p.PnLength), p.Length);
        }

        if (p.Space == PacketNumberSpace.ApplicationData)
        {
            OneRttKeySet keys = _keys.OneRtt!;
            keys.EncryptPayload(packet, p.HeaderLength, p.PayloadLength, p.PacketNumber);
            keys.ApplyHeaderProtection(packet, p.PnOffset, p.PnLength);
            if (keys.IsConfidentialityLimitNear)
            {
                if (keys.TryInitiateKeyUpdate(now))
                {
                    _tracer.OnKeyUpdated(now, keys.KeyUpdateCount, isLocal: true);
                }
                else if (keys.IsConfidentialityLimitReached)
                {
                    throw new QuicProtocolException(TransportErrorCode.AeadLimitReached, "The AEAD confidentiality limit was reached (RFC 9001 §6.6).");
                }
            }
        }
        else
        {
            EncryptionLevel level = p.Space == PacketNumberSpace.Initial ? EncryptionLevel.Initial : EncryptionLevel.Handshake;
            _keys.TryGetWriteKeys(level, out PacketProtectionKeys? keys);
            keys!.EncryptPayload(packet, p.HeaderLength, p.PayloadLength, p.PacketNumber);
            keys.ApplyHeaderProtection(packet, p.PnOffset, p.PnLength);
        }

        SentPacketFlags flags = SentPacketFlags.None;
        if (p.AckEliciting)
        {
            flags |= SentPacketFlags.AckEliciting | SentPacketFlags.InFlight;
        }

        if (markEct0)
        {
            flags |= SentPacketFlags.EcnEct0;
        }

        if (p.Space == PacketNumberSpace.ApplicationData && _keys.OneRtt!.KeyPhase)
        {
            flags |= SentPacketFlags.KeyPhase;
        }

        if (p.IsMtuProbe)
        {
            flags |= SentPacketFlags.PathMtuProbe;
        }

        if (p.AckEliciting && p.Space == PacketNumberSpace.ApplicationData && _pingsRequested > 0 && _pingPacketNumber is null)
        {
            // The first ack-eliciting packet after a PING request answers it when acknowledged.
            _pingPacketNumber = p.PacketNumber;
        }

        ReadOnlySpan<SentFrame> frames = SentFrames.AsSpan(p.FrameStart, p.FrameCount);
        _recovery.Loss.OnPacketSent(p.Space, p.PacketNumber, now, p.Length, flags, frames);
        if (p.AckEliciting && p.Space == PacketNumberSpace.ApplicationData)
        {
            _recovery.Pacer.OnPacketSent(now, p.Length, _recovery.Congestion.CongestionWindow, _recovery.Rtt.SmoothedRtt);
        }

        _packetsSent++;
        _tracer.OnPacketSent(now, p.Space, p.PacketNumber, p.Length, frames);

        if (p.AckEliciting)
        {
            // §10.1: sending an ack-eliciting packet restarts the idle timer, once per receive.
            if (!_ackElicitingSentSinceReceive)
            {
                RestartIdleTimer(now);
                _ackElicitingSentSinceReceive = true;
            }

            _lastSendTime = now;
        }

        if (!IsServer && p.Space == PacketNumberSpace.Handshake)
        {
            // RFC 9001 §4.9.1: a client discards Initial keys when it first sends a Handshake packet.
            DiscardSpace(PacketNumberSpace.Initial, now);
        }
    }

    /// <summary>One packet laid out in the datagram, waiting to be sealed.</summary>
    private readonly record struct PendingPacket(
        PacketNumberSpace Space,
        PacketType Type,
        ulong PacketNumber,
        int Start,
        int Length,
        int HeaderLength,
        int PayloadLength,
        int PnOffset,
        int PnLength,
        int LengthOffset,
        int FrameStart,
        int FrameCount,
        bool AckEliciting,
        bool IsMtuProbe = false);
}
