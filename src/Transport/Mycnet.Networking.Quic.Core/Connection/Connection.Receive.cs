using System.Net;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// The receive path: splitting coalesced packets (RFC 9000 §12.2), removing header and packet
/// protection (RFC 9001 §5), duplicate detection (§12.3), Version Negotiation and Retry on the
/// client (§6.2, §17.2.5), stateless reset detection (§10.3.1), and peer address changes (§9).
/// </content>
internal sealed partial class Connection
{
    /// <summary>
    /// Input: a datagram routed to this connection, received on <paramref name="local"/> from
    /// <paramref name="remote"/>. The datagram is decrypted in place, so its bytes are changed.
    /// Peer errors close the connection; they never throw.
    /// </summary>
    public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, Span<byte> datagram, EcnCodepoint ecn = EcnCodepoint.NotEct)
    {
        if (_state is ConnectionState.Draining or ConnectionState.Terminated)
        {
            return;
        }

        _bytesReceived += datagram.Length;
        if (_state == ConnectionState.Closing)
        {
            // RFC 9000 §10.2.1: answer with CONNECTION_CLOSE, but still notice the peer's close.
            _closeFramePending = true;
        }

        try
        {
            ProcessDatagramPackets(now, local, remote, datagram, ecn, countForAmplification: true);
        }
        catch (QuicProtocolException e)
        {
            CloseWithError(now, e.ErrorCode, e.FrameType, e.Message);
        }
    }

    private void ProcessDatagramPackets(Instant now, IPEndPoint local, IPEndPoint remote, Span<byte> datagram, EcnCodepoint ecn, bool countForAmplification)
    {
        QuicPath path = GetOrCreatePath(local, remote, now);
        if (countForAmplification)
        {
            bool wasLimited = path.AmplificationBudget < path.MaxDatagramSize;
            path.BytesReceived += datagram.Length;
            if (wasLimited && !path.IsValidated)
            {
                UnblockAmplification(path, now);
            }
        }

        // A failed decryption overwrites the packet in place, so keep the candidate stateless reset
        // token (the last 16 bytes, RFC 9000 §10.3.1) before anything is decrypted.
        Span<byte> resetCandidate = stackalloc byte[StatelessResetToken.Length];
        bool mayBeReset = datagram.Length >= StatelessReset.MinimumLength && (datagram[0] & 0x80) == 0;
        if (mayBeReset)
        {
            datagram[^StatelessResetToken.Length..].CopyTo(resetCandidate);
        }

        var reader = new CoalescedPacketReader(datagram, _localCids.IsZeroLength ? 0 : _settings.LocalConnectionIdLength);
        bool anyAuthenticated = false;
        bool anyPacket = false;
        while (reader.TryReadNext(out PacketHeader header, out int offset))
        {
            anyPacket = true;
            Span<byte> packet = datagram.Slice(offset, header.PacketLength);
            PacketOutcome outcome = ProcessPacket(now, path, local, remote, header, packet, ecn);
            anyAuthenticated |= outcome == PacketOutcome.Processed;
            if (_state is ConnectionState.Draining or ConnectionState.Terminated)
            {
                return;
            }
        }

        if (!anyAuthenticated && anyPacket && mayBeReset && _peerCids.IsStatelessReset(resetCandidate))
        {
            OnStatelessReset(now);
        }
    }

    private PacketOutcome ProcessPacket(Instant now, QuicPath path, IPEndPoint local, IPEndPoint remote, PacketHeader header, Span<byte> packet, EcnCodepoint ecn)
    {
        EncryptionLevel level;
        switch (header.Type)
        {
            case PacketType.VersionNegotiation:
                HandleVersionNegotiation(now, packet);
                return PacketOutcome.Dropped;
            case PacketType.Retry:
                HandleRetry(now, packet);
                return PacketOutcome.Dropped;
            case PacketType.Initial:
                level = EncryptionLevel.Initial;
                break;
            case PacketType.Handshake:
                level = EncryptionLevel.Handshake;
                break;
            case PacketType.OneRtt:
                level = EncryptionLevel.OneRtt;
                break;
            default:
                // 0-RTT is not accepted by this engine; unknown versions are the endpoint's business.
                _tracer.OnPacketDropped(now, packet.Length, "unsupported_packet_type");
                return PacketOutcome.Dropped;
        }

        if (header.IsLongHeader && header.Version != QuicVersion.Version1)
        {
            _tracer.OnPacketDropped(now, packet.Length, "version_mismatch");
            return PacketOutcome.Dropped;
        }

        PacketNumberSpace spaceId = level.ToSpace();
        PacketSpaceState space = Space(spaceId);
        if (space.IsDiscarded || (level == EncryptionLevel.OneRtt && _state == ConnectionState.Closing && _keys.OneRtt is null))
        {
            _tracer.OnPacketDropped(now, packet.Length, "key_discarded");
            return PacketOutcome.Dropped;
        }

        if (!CanProcessLevel(level))
        {
            BufferPacket(packet, local, remote, ecn, level, now);
            return PacketOutcome.Buffered;
        }

        if (!IsServer && level == EncryptionLevel.Initial &&
            _receivedServerPacket && !header.SourceConnectionId.SequenceEqual(_peerCids.Current.Span) && !_handshakeComplete)
        {
            // §7.2: after the first server Initial the client ignores packets whose Source Connection ID differs.
            _tracer.OnPacketDropped(now, packet.Length, "scid_changed");
            return PacketOutcome.Dropped;
        }

        // Remove header protection, decode the packet number, then decrypt (RFC 9001 §5.4, §5.3).
        int pnLength;
        uint truncated;
        int plaintextLength;
        int headerLength;
        ulong packetNumber;
        ulong? largest = space.Received.HasReceived ? space.Received.LargestReceived : null;
        if (level == EncryptionLevel.OneRtt)
        {
            OneRttKeySet keys = _keys.OneRtt!;
            long keyUpdates = keys.KeyUpdateCount;
            if (!keys.TryRemoveHeaderProtection(packet, header.PacketNumberOffset, out pnLength, out truncated))
            {
                _tracer.OnPacketDropped(now, packet.Length, "header_protection");
                return PacketOutcome.Failed;
            }

            packetNumber = PacketNumber.Decode(truncated, pnLength, largest);
            headerLength = header.PacketNumberOffset + pnLength;
            if (!keys.TryDecryptPayload(packet, headerLength, packet.Length - headerLength, packetNumber, now, _recovery.Loss.GetProbeTimeout(PacketNumberSpace.ApplicationData), out plaintextLength))
            {
                _tracer.OnPacketDropped(now, packet.Length, "decryption_failure");
                CheckIntegrityLimit();
                return PacketOutcome.Failed;
            }

            if (keys.KeyUpdateCount != keyUpdates)
            {
                _tracer.OnKeyUpdated(now, keys.KeyUpdateCount, isLocal: false);
            }
        }
        else
        {
            if (!_keys.TryGetReadKeys(level, out PacketProtectionKeys? keys) ||
                !keys.TryRemoveHeaderProtection(packet, header.PacketNumberOffset, out pnLength, out truncated))
            {
                _tracer.OnPacketDropped(now, packet.Length, "header_protection");
                return PacketOutcome.Failed;
            }

            packetNumber = PacketNumber.Decode(truncated, pnLength, largest);
            headerLength = header.PacketNumberOffset + pnLength;
            if (!keys.TryDecryptPayload(packet, headerLength, packet.Length - headerLength, packetNumber, out plaintextLength))
            {
                _tracer.OnPacketDropped(now, packet.Length, "decryption_failure");
                CheckIntegrityLimit();
                return PacketOutcome.Failed;
            }
        }

        // RFC 9000 §17.2 / §17.3.1: reserved bits are checked only after authentication.
        if (!PacketFirstByte.ReservedBitsAreZero(packet[0]))
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "Reserved header bits are not zero.");
        }

        // §17.2.2: a server's Initial carries no token. Checked after authentication, so that a
        // corrupted or forged datagram is dropped rather than closing the connection.
        if (!IsServer && level == EncryptionLevel.Initial && !header.Token.IsEmpty)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "A server Initial packet carries a token.");
        }

        if (space.Received.IsDuplicate(packetNumber))
        {
            _tracer.OnPacketDropped(now, packet.Length, "duplicate");
            return PacketOutcome.Dropped;
        }

        _packetsReceived++;
        _tracer.OnPacketReceived(now, spaceId, packetNumber, packet.Length, packet[..headerLength], packet.Slice(headerLength, plaintextLength));

        if (!IsServer && !_receivedServerPacket)
        {
            // §7.2: the server's Source Connection ID becomes our Destination Connection ID.
            _receivedServerPacket = true;
            _peerCids.SetHandshakeId(new ConnectionId(header.SourceConnectionId));
        }
        else if (IsServer && !_receivedClientPacket && level == EncryptionLevel.Initial)
        {
            // §7.2: our Destination Connection ID is the Source Connection ID of the client's
            // Initial. The endpoint created this connection from a datagram's header before any
            // packet could be authenticated, so take it from the first Initial that is: a corrupted
            // or forged Initial that raced the client's must not decide it (§7.3 would then fail).
            _receivedClientPacket = true;
            if (!header.SourceConnectionId.SequenceEqual(_peerCids.Current.Span))
            {
                _peerCids.SetHandshakeId(new ConnectionId(header.SourceConnectionId));
            }
        }

        if (IsServer && level == EncryptionLevel.Handshake)
        {
            // §8.1: a Handshake packet proves the client got our Initial; RFC 9001 §4.9.1: the
            // server discards its Initial keys on the first Handshake packet it processes.
            ValidatePeerAddress(path, now);
            DiscardSpace(PacketNumberSpace.Initial, now);
        }

        ReadOnlySpan<byte> payload = packet.Slice(headerLength, plaintextLength);
        FrameSummary summary = ProcessFrames(now, level, header.Type, new ConnectionId(header.DestinationConnectionId), path, payload);
        if (_state is ConnectionState.Draining or ConnectionState.Terminated)
        {
            return PacketOutcome.Processed;
        }

        space.Received.OnPacketReceived(packetNumber, summary.AckEliciting, ecn, now);
        RestartIdleTimer(now);
        _ackElicitingSentSinceReceive = false;

        if (level == EncryptionLevel.OneRtt && path != _path && summary.NonProbing && packetNumber == space.Received.LargestReceived)
        {
            // §9.3: a non-probing packet with the highest packet number from a new address moves the connection.
            MigrateTo(path, now);
        }

        return PacketOutcome.Processed;
    }

    private void HandleVersionNegotiation(Instant now, ReadOnlySpan<byte> packet)
    {
        // RFC 9000 §6.2: only a client that has not yet received a valid packet acts on it.
        if (IsServer || _receivedServerPacket || _receivedRetry || !VersionNegotiationPacket.TryParse(packet, out VersionNegotiationPacket vn))
        {
            return;
        }

        if (!vn.DestinationConnectionId.SequenceEqual(_initialSourceCid.Span) || !vn.SourceConnectionId.SequenceEqual(_originalDestinationCid.Span))
        {
            return;
        }

        if (vn.Contains(QuicVersion.Version1))
        {
            return; // §6.2: a Version Negotiation packet listing our version is discarded.
        }

        _closeInfo = new ConnectionCloseInfo(CloseReason.VersionNegotiationFailed, false, (ulong)TransportErrorCode.NoError, 0, "The server supports none of our QUIC versions.");
        _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.Closed));
        Terminate(now);
    }

    private void HandleRetry(Instant now, ReadOnlySpan<byte> packet)
    {
        // RFC 9000 §17.2.5.2: one Retry, only before any server Initial, with a valid integrity tag.
        if (IsServer || _receivedRetry || _receivedServerPacket || !RetryPacket.TryParse(packet, out RetryPacket retry))
        {
            return;
        }

        if (retry.Version != QuicVersion.Version1 || !retry.DestinationConnectionId.SequenceEqual(_initialSourceCid.Span) ||
            retry.SourceConnectionId.SequenceEqual(_peerCids.Current.Span) || retry.SourceConnectionId.Length > ConnectionId.MaxLength ||
            !RetryIntegrity.Verify(_originalDestinationCid.Span, packet))
        {
            _tracer.OnPacketDropped(now, packet.Length, "invalid_retry");
            return;
        }

        _receivedRetry = true;
        _retrySourceCid = new ConnectionId(retry.SourceConnectionId);
        _token = retry.Token.ToArray();
        _peerCids.SetHandshakeId(_retrySourceCid);

        // §17.2.5.3: Initial keys now come from the new DCID; the ClientHello is sent again, packet
        // numbers continue.
        _keys.InstallInitial(_retrySourceCid.Span, isClient: true);
        _recovery.Loss.ResetSpace(PacketNumberSpace.Initial, now);
        Space(PacketNumberSpace.Initial).CryptoSend.RequeueAll();
    }

    /// <summary>Whether <paramref name="token"/> is the stateless reset token of one of the peer's connection IDs (for the endpoint's routing of resets).</summary>
    public bool IsPeerStatelessResetToken(ReadOnlySpan<byte> token) => _peerCids.IsStatelessReset(token);

    private void OnStatelessReset(Instant now)
    {
        _closeInfo = new ConnectionCloseInfo(CloseReason.StatelessReset, false, (ulong)TransportErrorCode.NoError, 0, "The peer sent a stateless reset.");
        _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.Closed));
        // §10.3.1: enter draining; send nothing more.
        EnterDraining(now);
    }

    private void CheckIntegrityLimit()
    {
        if (_keys.IsIntegrityLimitExceeded)
        {
            throw new QuicProtocolException(TransportErrorCode.AeadLimitReached, "Too many packets failed authentication (RFC 9001 §6.6).");
        }
    }

    // Server: whether a client Initial has been authenticated (its SCID is then our DCID).
    private bool _receivedClientPacket;

    private enum PacketOutcome
    {
        Processed,
        Dropped,
        Buffered,
        Failed,
    }
}
