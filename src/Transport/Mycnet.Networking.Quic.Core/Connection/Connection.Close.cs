using System.Text;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// Closing (RFC 9000 §10.2): an immediate close sends CONNECTION_CLOSE and enters the closing
/// state, answering further packets with CONNECTION_CLOSE for three PTOs; a close from the peer
/// or a stateless reset enters draining, which sends nothing. During the handshake the close is
/// sent at every level the peer might be able to read, and an application close is carried as a
/// transport APPLICATION_ERROR outside 1-RTT packets (§10.2.3).
/// </content>
internal sealed partial class Connection
{
    /// <summary>The reason phrase we send is cut to this many bytes.</summary>
    private const int MaxReasonLength = 256;

    private ulong _closeErrorCode;
    private ulong _closeFrameType;
    private bool _closeIsApplication;
    private byte[] _closeReason = [];

    /// <summary>Command: closes the connection with an application error code (CONNECTION_CLOSE type 0x1d).</summary>
    public void Close(Instant now, ulong applicationErrorCode, string? reason = null)
    {
        if (applicationErrorCode > VarInt.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(applicationErrorCode), "An application error code is at most 2^62 - 1.");
        }

        if (_state is ConnectionState.Closing or ConnectionState.Draining or ConnectionState.Terminated)
        {
            return;
        }

        _closeInfo ??= new ConnectionCloseInfo(CloseReason.LocallyClosed, true, applicationErrorCode, 0, reason ?? string.Empty);
        EnterClosing(now, applicationErrorCode, 0, isApplication: true, reason);
    }

    /// <summary>
    /// Command: closes the connection with a transport error code (CONNECTION_CLOSE type 0x1c), for
    /// the driver's own reasons: CONNECTION_REFUSED when a listener stops accepting or its backlog
    /// is full (RFC 9000 §20.1). Like a locally detected error, it raises a Closed event.
    /// </summary>
    public void CloseWithTransportError(Instant now, TransportErrorCode code, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        CloseWithError(now, code, 0, reason);
    }

    /// <summary>Closes because of a transport error this side detected.</summary>
    private void CloseWithError(Instant now, TransportErrorCode code, ulong frameType, string reason)
    {
        if (_state is ConnectionState.Closing or ConnectionState.Draining or ConnectionState.Terminated)
        {
            return;
        }

        _closeInfo ??= new ConnectionCloseInfo(CloseReason.LocallyClosed, false, (ulong)code, frameType, reason);
        _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.Closed));
        EnterClosing(now, (ulong)code, frameType, isApplication: false, reason);
    }

    private void EnterClosing(Instant now, ulong code, ulong frameType, bool isApplication, string? reason)
    {
        _closeErrorCode = code;
        _closeFrameType = frameType;
        _closeIsApplication = isApplication;
        byte[] phrase = Encoding.UTF8.GetBytes(reason ?? string.Empty);
        _closeReason = phrase.Length > MaxReasonLength ? phrase[..MaxReasonLength] : phrase;
        _closeFramePending = true;
        _closeDeadline = now + (3 * _recovery.Loss.GetProbeTimeout(PacketNumberSpace.ApplicationData));
        SetState(now, ConnectionState.Closing);
    }

    private void EnterDraining(Instant now)
    {
        if (_state is ConnectionState.Draining or ConnectionState.Terminated)
        {
            return;
        }

        _closeDeadline = _state == ConnectionState.Closing
            ? _closeDeadline
            : now + (3 * _recovery.Loss.GetProbeTimeout(PacketNumberSpace.ApplicationData));
        _closeFramePending = false;
        SetState(now, ConnectionState.Draining);
    }

    private void Terminate(Instant now)
    {
        if (_state == ConnectionState.Terminated)
        {
            return;
        }

        SetState(now, ConnectionState.Terminated);
        _bufferedPackets.Clear();
        _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.Terminated));
    }

    /// <summary>Sends CONNECTION_CLOSE in every space the peer may be able to read (RFC 9000 §10.2.3).</summary>
    private bool TryPollCloseTransmit(Instant now, Span<byte> buffer, out Transmit transmit)
    {
        transmit = default;
        if (!_closeFramePending)
        {
            return false;
        }

        _closeFramePending = false;
        QuicPath path = _path;
        int budget = (int)Math.Min(Math.Min(buffer.Length, path.MaxDatagramSize), path.AmplificationBudget);
        Span<byte> room = buffer[..budget];
        Span<bool> include = stackalloc bool[EncryptionLevelExtensions.SpaceCount];
        int last = -1;
        bool hasInitial = false;
        for (int s = 0; s < EncryptionLevelExtensions.SpaceCount; s++)
        {
            var spaceId = (PacketNumberSpace)s;

            // Before confirmation, send at every level we have keys for; after it, 1-RTT only.
            include[s] = CanSendInSpace(spaceId) && (!_handshakeConfirmed || spaceId == PacketNumberSpace.ApplicationData);
            if (include[s])
            {
                last = s;
                hasInitial |= spaceId == PacketNumberSpace.Initial;
            }
        }

        int position = 0;
        for (int s = 0; s <= last; s++)
        {
            if (!include[s])
            {
                continue;
            }

            // §14.1: a client's datagram with an Initial packet is padded to 1200 bytes; the last packet carries the padding.
            int padTo = s == last && hasInitial && !IsServer ? MinInitialDatagramSize - position : 0;
            int written = WriteClosePacket(now, (PacketNumberSpace)s, room[position..], padTo);
            if (written == 0)
            {
                break;
            }

            position += written;
        }

        if (position == 0)
        {
            return false;
        }

        path.BytesSent += position;
        _bytesSent += position;
        transmit = new Transmit(path.Local, path.Remote, position, position, EcnCodepoint.NotEct);
        return true;
    }

    private int WriteClosePacket(Instant now, PacketNumberSpace spaceId, Span<byte> room, int padTo)
    {
        // Application closes are sent as transport APPLICATION_ERROR outside 1-RTT (§10.2.3).
        bool application = _closeIsApplication && spaceId == PacketNumberSpace.ApplicationData;
        ulong code = _closeIsApplication && !application ? (ulong)TransportErrorCode.ApplicationError : _closeErrorCode;
        ReadOnlySpan<byte> reason = application || !_closeIsApplication ? _closeReason : default;
        ConnectionCloseFrame frame = application
            ? ConnectionCloseFrame.Application(code, reason)
            : ConnectionCloseFrame.Transport(code, _closeFrameType, reason);

        PacketSpaceState space = Space(spaceId);
        ulong packetNumber = space.NextPacketNumber;
        int pnLength = 4;
        ulong truncated = PacketNumber.Truncate(packetNumber, pnLength);
        int frameLength = frame.GetEncodedLength();
        int needed = (spaceId == PacketNumberSpace.ApplicationData
            ? ShortHeader.GetHeaderLength(_peerCids.Current.Length, pnLength)
            : LongHeader.GetHeaderLength(spaceId == PacketNumberSpace.Initial ? PacketType.Initial : PacketType.Handshake, _peerCids.Current.Length, _initialSourceCid.Length, IsServer ? 0 : _token.Length, pnLength))
            + frameLength + CipherSuiteInfo.TagLength;
        if (Math.Max(needed, padTo) > room.Length)
        {
            return 0;
        }

        ConnectionId dcid = _peerCids.Current;
        ConnectionId scid = _initialSourceCid;
        var writer = new WireWriter(room[..(room.Length - CipherSuiteInfo.TagLength)]);
        int pnOffset;
        int lengthOffset = -1;
        if (spaceId == PacketNumberSpace.ApplicationData)
        {
            pnOffset = ShortHeader.Write(ref writer, dcid.Span, false, _keys.OneRtt!.KeyPhase, truncated, pnLength);
        }
        else
        {
            ReadOnlySpan<byte> token = IsServer || spaceId != PacketNumberSpace.Initial ? default : _token;
            LongHeaderLayout layout = LongHeader.Write(ref writer, spaceId == PacketNumberSpace.Initial ? PacketType.Initial : PacketType.Handshake, QuicVersion.Version1, dcid.Span, scid.Span, token, truncated, pnLength);
            pnOffset = layout.PacketNumberOffset;
            lengthOffset = layout.LengthOffset;
        }

        int headerLength = writer.Position;
        frame.Write(ref writer);
        if (writer.Position + CipherSuiteInfo.TagLength < padTo)
        {
            writer.WriteZeros(padTo - writer.Position - CipherSuiteInfo.TagLength);
        }

        int payloadLength = writer.Position - headerLength;
        int length = headerLength + payloadLength + CipherSuiteInfo.TagLength;
        Span<byte> packet = room[..length];
        if (lengthOffset >= 0)
        {
            LongHeader.WriteLength(packet, new LongHeaderLayout(0, lengthOffset, pnOffset, pnLength), length);
        }

        if (spaceId == PacketNumberSpace.ApplicationData)
        {
            _keys.OneRtt!.EncryptPayload(packet, headerLength, payloadLength, packetNumber);
            _keys.OneRtt.ApplyHeaderProtection(packet, pnOffset, pnLength);
        }
        else
        {
            EncryptionLevel level = spaceId == PacketNumberSpace.Initial ? EncryptionLevel.Initial : EncryptionLevel.Handshake;
            if (!_keys.TryGetWriteKeys(level, out PacketProtectionKeys? keys))
            {
                return 0;
            }

            keys.EncryptPayload(packet, headerLength, payloadLength, packetNumber);
            keys.ApplyHeaderProtection(packet, pnOffset, pnLength);
        }

        space.NextPacketNumber = packetNumber + 1;
        _packetsSent++;
        _tracer.OnPacketSent(now, spaceId, packetNumber, length, default);
        return length;
    }
}
