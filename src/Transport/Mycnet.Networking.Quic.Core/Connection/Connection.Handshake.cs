using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// The handshake: feeding CRYPTO data to TLS, installing and discarding keys (RFC 9001 §4),
/// checking and applying the peer's transport parameters (RFC 9000 §7.3, §7.4, §18), and
/// handshake completion and confirmation (RFC 9001 §4.1.1, §4.1.2).
/// </content>
internal sealed partial class Connection
{
    /// <summary>Hands contiguous CRYPTO bytes of <paramref name="level"/> to TLS and acts on what it produces.</summary>
    private void DeliverCryptoData(EncryptionLevel level, Instant now)
    {
        CryptoReceiveBuffer buffer = Space(level.ToSpace()).CryptoReceive;
        ReadOnlySpan<byte> data = buffer.GetContiguous();
        if (data.IsEmpty)
        {
            return;
        }

        try
        {
            _tls.HandleCryptoData(level, data);
        }
        catch (TlsAlertException alert)
        {
            throw new QuicProtocolException(TransportErrorCode.CryptoErrorBase + (ulong)alert.Alert, alert.Message, 0x06);
        }

        buffer.Consume(data.Length);
        ProcessTlsOutputs(now);
    }

    /// <summary>Acts on every TLS output in order (see <see cref="ITlsHandshake"/> for the order).</summary>
    private void ProcessTlsOutputs(Instant now)
    {
        while (_tls.TryPollOutput(out TlsOutput output))
        {
            switch (output.Kind)
            {
                case TlsOutputKind.CryptoData:
                    Space(output.Level.ToSpace()).CryptoSend.Append(output.Data.Span);
                    break;
                case TlsOutputKind.ReadSecret:
                case TlsOutputKind.WriteSecret:
                    InstallSecret(output, now);
                    break;
                case TlsOutputKind.HandshakeComplete:
                    OnHandshakeComplete(now);
                    break;
            }
        }

        if (_peerParameters is null && !_tls.PeerTransportParameters.IsEmpty)
        {
            ApplyPeerTransportParameters(_tls.PeerTransportParameters.Span, now);
        }
    }

    private void InstallSecret(in TlsOutput output, Instant now)
    {
        bool isRead = output.Kind == TlsOutputKind.ReadSecret;
        if (output.KeyLogLabel is { } label)
        {
            _tracer.OnSecret(label, _tls.ClientRandom.Span, output.Secret.Span);
        }

        if (output.Level != EncryptionLevel.OneRtt)
        {
            if (isRead)
            {
                _keys.InstallRead(output.Level, output.Suite, output.Secret.Span);
            }
            else
            {
                _keys.InstallWrite(output.Level, output.Suite, output.Secret.Span);
            }

            if (output.Level == EncryptionLevel.Handshake)
            {
                _recovery.Loss.HasHandshakeKeys = true;
            }

            RetryBufferedPackets(now);
            return;
        }

        // 1-RTT keys come as two outputs; the key set needs both secrets at once.
        if (_pendingOneRtt is null)
        {
            _pendingOneRtt = new PendingOneRttSecret(isRead, output.Suite, output.Secret.ToArray());
            return;
        }

        ReadOnlySpan<byte> read = isRead ? output.Secret.Span : _pendingOneRtt.Secret;
        ReadOnlySpan<byte> write = isRead ? _pendingOneRtt.Secret : output.Secret.Span;
        _keys.InstallOneRtt(output.Suite, read, write);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(_pendingOneRtt.Secret);
        _pendingOneRtt = null;
        RetryBufferedPackets(now);
    }

    private void OnHandshakeComplete(Instant now)
    {
        _handshakeComplete = true;
        SetState(now, ConnectionState.Established);
        _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.Connected));
        if (IsServer)
        {
            // RFC 9001 §4.1.2: the server's handshake is confirmed when it completes; it tells the
            // client with HANDSHAKE_DONE (RFC 9000 §19.20).
            _handshakeDonePending = true;
            ConfirmHandshake(now);
        }
        else
        {
            _recovery.Loss.OnClientHandshakeComplete(now);
        }

        // Both sides may now issue more connection IDs (they travel in 1-RTT packets).
        if (_peerParameters is not null)
        {
            _localCids.SetPeerLimit(_peerParameters.ActiveConnectionIdLimit);
        }

        RetryBufferedPackets(now);
    }

    private void ConfirmHandshake(Instant now)
    {
        if (_handshakeConfirmed)
        {
            return;
        }

        _handshakeConfirmed = true;
        _recovery.Loss.OnHandshakeConfirmed(now);
        _keys.OneRtt?.OnHandshakeConfirmed();
        DiscardSpace(PacketNumberSpace.Handshake, now);
        _handshakeDeadline = Instant.MaxValue;
    }

    /// <summary>Discards the keys and state of a space (RFC 9001 §4.9).</summary>
    private void DiscardSpace(PacketNumberSpace space, Instant now)
    {
        PacketSpaceState state = Space(space);
        if (state.IsDiscarded)
        {
            return;
        }

        state.IsDiscarded = true;
        state.CryptoSend.Release();
        state.CryptoReceive.Release();
        EncryptionLevel level = space == PacketNumberSpace.Initial ? EncryptionLevel.Initial : EncryptionLevel.Handshake;
        _keys.Discard(level);
        _recovery.Loss.DiscardSpace(space, now);
    }

    /// <summary>Decodes, checks (RFC 9000 §7.3, §7.4, §18.2) and applies the peer's transport parameters.</summary>
    private void ApplyPeerTransportParameters(ReadOnlySpan<byte> encoded, Instant now)
    {
        TransportParameters peer = TransportParameters.Decode(encoded, sentByServer: !IsServer);

        // §7.3: authenticate the connection IDs used during the handshake.
        if (peer.InitialSourceConnectionId != _peerCids.Current)
        {
            throw new QuicProtocolException(TransportErrorCode.TransportParameterError, "initial_source_connection_id does not match the Source Connection ID of the peer's Initial.");
        }

        if (!IsServer)
        {
            if (peer.OriginalDestinationConnectionId != _originalDestinationCid)
            {
                throw new QuicProtocolException(TransportErrorCode.TransportParameterError, "original_destination_connection_id does not match the client's first Destination Connection ID.");
            }

            if (_receivedRetry)
            {
                if (peer.RetrySourceConnectionId != _retrySourceCid)
                {
                    throw new QuicProtocolException(TransportErrorCode.TransportParameterError, "retry_source_connection_id is missing or does not match the Retry packet.");
                }
            }
            else if (peer.RetrySourceConnectionId is not null)
            {
                throw new QuicProtocolException(TransportErrorCode.TransportParameterError, "retry_source_connection_id present although no Retry was received.");
            }

            if (peer.StatelessResetToken is { } token)
            {
                _peerCids.SetHandshakeResetToken(token);
            }
        }

        _peerParameters = peer;
        _tracer.OnParametersSet(now, isLocal: false, peer);

        // §10.1: the effective idle timeout is the smaller of the two non-zero values.
        TimeSpan? peerIdle = peer.GetMaxIdleTimeout();
        if (peerIdle is { } idle && (_effectiveIdleTimeout <= TimeSpan.Zero || idle < _effectiveIdleTimeout))
        {
            _effectiveIdleTimeout = idle;
        }

        _recovery.Loss.PeerMaxAckDelay = peer.GetMaxAckDelay();
        foreach (QuicPath path in _paths)
        {
            int peerMaxPayload = (int)Math.Min(65527UL, peer.MaxUdpPayloadSize);
            if (peerMaxPayload < path.MaxDatagramSize)
            {
                path.SetMaxDatagramSize(Math.Max(MinInitialDatagramSize, peerMaxPayload));
            }
        }

        try
        {
            _streams.ApplyPeerTransportLimits(new StreamTransportLimits(
                peer.InitialMaxData,
                peer.InitialMaxStreamDataBidiLocal,
                peer.InitialMaxStreamDataBidiRemote,
                peer.InitialMaxStreamDataUni,
                peer.InitialMaxStreamsBidi,
                peer.InitialMaxStreamsUni));
        }
        catch (ArgumentException e)
        {
            throw new QuicProtocolException(TransportErrorCode.TransportParameterError, e.Message);
        }

        if (_handshakeComplete)
        {
            _localCids.SetPeerLimit(peer.ActiveConnectionIdLimit);
        }

        RestartIdleTimer(now);
    }

    /// <summary>Keeps a packet whose keys are not installed yet (RFC 9001 §5.7), bounded.</summary>
    private void BufferPacket(ReadOnlySpan<byte> packet, System.Net.IPEndPoint local, System.Net.IPEndPoint remote, EcnCodepoint ecn, EncryptionLevel level, Instant now)
    {
        if (_bufferedPackets.Count >= MaxBufferedPackets)
        {
            _tracer.OnPacketDropped(now, packet.Length, "keys_unavailable");
            return;
        }

        _bufferedPackets.Add(new BufferedPacket(packet.ToArray(), local, remote, ecn, level));
    }

    /// <summary>Processes buffered packets whose keys have arrived.</summary>
    private void RetryBufferedPackets(Instant now)
    {
        if (_bufferedPackets.Count == 0 || _retryingBuffered)
        {
            return;
        }

        _retryingBuffered = true;
        try
        {
            for (int i = 0; i < _bufferedPackets.Count;)
            {
                BufferedPacket packet = _bufferedPackets[i];
                if (!CanProcessLevel(packet.Level))
                {
                    i++;
                    continue;
                }

                _bufferedPackets.RemoveAt(i);
                ProcessDatagramPackets(now, packet.Local, packet.Remote, packet.Data, packet.Ecn, countForAmplification: false);
                if (_state is ConnectionState.Closing or ConnectionState.Draining or ConnectionState.Terminated)
                {
                    _bufferedPackets.Clear();
                    return;
                }
            }
        }
        finally
        {
            _retryingBuffered = false;
        }
    }

    private bool CanProcessLevel(EncryptionLevel level) => level switch
    {
        EncryptionLevel.OneRtt => _keys.OneRtt is not null && (_handshakeComplete || !IsServer),
        _ => _keys.CanRead(level),
    };

    private bool _retryingBuffered;
}
