using System.Text.Json;
using System.Text.Unicode;
using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Diagnostics.QlogSchema;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <content>
/// Frames of received packets: the decrypted payload is parsed again with the core's
/// allocation-free frame parsers. Parsing never throws: a frame that does not parse ends the list
/// with an "unknown" entry (the core then closes the connection with FRAME_ENCODING_ERROR itself).
/// At most <see cref="MaxLoggedFrames"/> frames are described; the rest are counted.
/// </content>
internal sealed partial class QlogTracer
{
    /// <returns>Whether the payload carried HANDSHAKE_DONE.</returns>
    private bool WriteReceivedFrames(ReadOnlySpan<byte> payload)
    {
        var reader = new WireReader(payload);
        bool handshakeDone = false;
        int written = 0;
        int omitted = 0;
        _json.WriteStartArray(Fields.Frames);
        while (!reader.IsEnd)
        {
            if (written == MaxLoggedFrames)
            {
                omitted = CountFrames(ref reader, ref handshakeDone);
                break;
            }

            int start = reader.Position;
            if (!Frames.TryReadType(ref reader, out ulong type) || !TryWriteReceivedFrame(type, ref reader))
            {
                WriteUnknownFrame(payload, start);
                written++;
                break;
            }

            handshakeDone |= type == FrameType.HandshakeDone;
            written++;
        }

        _json.WriteEndArray();
        if (omitted > 0)
        {
            _json.WriteNumber(Fields.FramesOmitted, omitted);
        }

        return handshakeDone;
    }

    private static bool ContainsHandshakeDone(ReadOnlySpan<byte> payload)
    {
        var reader = new WireReader(payload);
        bool handshakeDone = false;
        CountFrames(ref reader, ref handshakeDone);
        return handshakeDone;
    }

    private static int CountFrames(ref WireReader reader, ref bool handshakeDone)
    {
        int count = 0;
        while (!reader.IsEnd && Frames.TryReadType(ref reader, out ulong type) && TrySkipFrame(type, ref reader))
        {
            handshakeDone |= type == FrameType.HandshakeDone;
            count++;
        }

        return count;
    }

    private void WriteUnknownFrame(ReadOnlySpan<byte> payload, int start)
    {
        _json.WriteStartObject();
        _json.WriteString(Fields.FrameType, Values.Unknown);
        var typeReader = new WireReader(payload[start..]);
        if (typeReader.TryReadVarInt(out ulong rawType))
        {
            _json.WriteNumber(Fields.FrameTypeBytes, rawType);
        }

        WriteRawLength(payload.Length - start);
        _json.WriteEndObject();
    }

    private bool TryWriteReceivedFrame(ulong type, ref WireReader reader)
    {
        switch (type)
        {
            case FrameType.Padding:
                if (!PaddingFrame.TryParse(ref reader, type, out PaddingFrame padding))
                {
                    return false;
                }

                // quic-events §8.13.1: one entry for a run of PADDING, its size in raw.payload_length.
                _json.WriteStartObject();
                _json.WriteString(Fields.FrameType, Values.Padding);
                _json.WriteStartObject(Fields.Raw);
                _json.WriteNumber(Fields.PayloadLength, padding.Length);
                _json.WriteEndObject();
                _json.WriteEndObject();
                return true;
            case FrameType.Ping:
                _json.WriteStartObject();
                _json.WriteString(Fields.FrameType, Values.Ping);
                _json.WriteEndObject();
                return true;
            case FrameType.Ack:
            case FrameType.AckEcn:
                if (!AckFrame.TryParse(ref reader, type, out AckFrame ack))
                {
                    return false;
                }

                WriteAck(in ack);
                return true;
            case FrameType.ResetStream:
                if (!ResetStreamFrame.TryParse(ref reader, type, out ResetStreamFrame reset))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteResetStream(reset.StreamId, reset.ApplicationErrorCode, reset.FinalSize);
                _json.WriteEndObject();
                return true;
            case FrameType.StopSending:
                if (!StopSendingFrame.TryParse(ref reader, type, out StopSendingFrame stop))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteStopSending(stop.StreamId, stop.ApplicationErrorCode);
                _json.WriteEndObject();
                return true;
            case FrameType.Crypto:
                if (!CryptoFrame.TryParse(ref reader, type, out CryptoFrame crypto))
                {
                    return false;
                }

                _json.WriteStartObject();
                _json.WriteString(Fields.FrameType, Values.Crypto);
                _json.WriteNumber(Fields.Offset, crypto.Offset);
                WriteRawLength(crypto.Data.Length);
                _json.WriteEndObject();
                return true;
            case FrameType.NewToken:
                if (!NewTokenFrame.TryParse(ref reader, type, out NewTokenFrame token))
                {
                    return false;
                }

                // The token is opaque and reusable for address validation: its length only.
                _json.WriteStartObject();
                _json.WriteString(Fields.FrameType, Values.NewToken);
                _json.WriteStartObject(Fields.Token);
                WriteRawLength(token.Token.Length);
                _json.WriteEndObject();
                _json.WriteEndObject();
                return true;
            case FrameType.MaxData:
                if (!MaxDataFrame.TryParse(ref reader, type, out MaxDataFrame maxData))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteValueFrame(Values.MaxData, Fields.Maximum, maxData.MaximumData);
                _json.WriteEndObject();
                return true;
            case FrameType.MaxStreamData:
                if (!MaxStreamDataFrame.TryParse(ref reader, type, out MaxStreamDataFrame maxStreamData))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteStreamValueFrame(Values.MaxStreamData, maxStreamData.StreamId, Fields.Maximum, maxStreamData.MaximumStreamData);
                _json.WriteEndObject();
                return true;
            case FrameType.MaxStreamsBidi:
            case FrameType.MaxStreamsUni:
                if (!MaxStreamsFrame.TryParse(ref reader, type, out MaxStreamsFrame maxStreams))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteStreamsFrame(Values.MaxStreams, maxStreams.Bidirectional, Fields.Maximum, maxStreams.MaximumStreams);
                _json.WriteEndObject();
                return true;
            case FrameType.DataBlocked:
                if (!DataBlockedFrame.TryParse(ref reader, type, out DataBlockedFrame dataBlocked))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteValueFrame(Values.DataBlocked, Fields.Limit, dataBlocked.MaximumData);
                _json.WriteEndObject();
                return true;
            case FrameType.StreamDataBlocked:
                if (!StreamDataBlockedFrame.TryParse(ref reader, type, out StreamDataBlockedFrame streamDataBlocked))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteStreamValueFrame(Values.StreamDataBlocked, streamDataBlocked.StreamId, Fields.Limit, streamDataBlocked.MaximumStreamData);
                _json.WriteEndObject();
                return true;
            case FrameType.StreamsBlockedBidi:
            case FrameType.StreamsBlockedUni:
                if (!StreamsBlockedFrame.TryParse(ref reader, type, out StreamsBlockedFrame streamsBlocked))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteStreamsFrame(Values.StreamsBlocked, streamsBlocked.Bidirectional, Fields.Limit, streamsBlocked.MaximumStreams);
                _json.WriteEndObject();
                return true;
            case FrameType.NewConnectionId:
                if (!NewConnectionIdFrame.TryParse(ref reader, type, out NewConnectionIdFrame newCid))
                {
                    return false;
                }

                _json.WriteStartObject();
                _json.WriteString(Fields.FrameType, Values.NewConnectionId);
                _json.WriteNumber(Fields.SequenceNumber, newCid.SequenceNumber);
                _json.WriteNumber(Fields.RetirePriorTo, newCid.RetirePriorTo);
                _json.WriteNumber(Fields.ConnectionIdLength, newCid.ConnectionId.Length);
                WriteHex(Fields.ConnectionId, newCid.ConnectionId.Span);
                WriteHex(Fields.StatelessResetToken, newCid.StatelessResetToken.Span);
                _json.WriteEndObject();
                return true;
            case FrameType.RetireConnectionId:
                if (!RetireConnectionIdFrame.TryParse(ref reader, type, out RetireConnectionIdFrame retire))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteValueFrame(Values.RetireConnectionId, Fields.SequenceNumber, retire.SequenceNumber);
                _json.WriteEndObject();
                return true;
            case FrameType.PathChallenge:
                if (!PathChallengeFrame.TryParse(ref reader, type, out PathChallengeFrame challenge))
                {
                    return false;
                }

                _json.WriteStartObject();
                WritePathData(Values.PathChallenge, challenge.Data);
                _json.WriteEndObject();
                return true;
            case FrameType.PathResponse:
                if (!PathResponseFrame.TryParse(ref reader, type, out PathResponseFrame response))
                {
                    return false;
                }

                _json.WriteStartObject();
                WritePathData(Values.PathResponse, response.Data);
                _json.WriteEndObject();
                return true;
            case FrameType.ConnectionClose:
            case FrameType.ConnectionCloseApplication:
                if (!ConnectionCloseFrame.TryParse(ref reader, type, out ConnectionCloseFrame close))
                {
                    return false;
                }

                WriteConnectionCloseFrame(in close);
                return true;
            case FrameType.HandshakeDone:
                _json.WriteStartObject();
                _json.WriteString(Fields.FrameType, Values.HandshakeDone);
                _json.WriteEndObject();
                return true;
            case FrameType.Datagram:
            case FrameType.DatagramWithLength:
                if (!DatagramFrame.TryParse(ref reader, type, out DatagramFrame datagram))
                {
                    return false;
                }

                _json.WriteStartObject();
                _json.WriteString(Fields.FrameType, Values.Datagram);
                WriteRawLength(datagram.Data.Length);
                _json.WriteEndObject();
                return true;
            default:
                if (!FrameType.IsStream(type) || !StreamFrame.TryParse(ref reader, type, out StreamFrame stream))
                {
                    return false;
                }

                _json.WriteStartObject();
                WriteStream(stream.StreamId, stream.Offset, stream.Data.Length, stream.Fin);
                _json.WriteEndObject();
                return true;
        }
    }

    /// <summary>Moves past one frame without describing it (for counting frames beyond the limit).</summary>
    private static bool TrySkipFrame(ulong type, ref WireReader reader) => type switch
    {
        FrameType.Padding => PaddingFrame.TryParse(ref reader, type, out _),
        FrameType.Ping => true,
        FrameType.Ack or FrameType.AckEcn => AckFrame.TryParse(ref reader, type, out _),
        FrameType.ResetStream => ResetStreamFrame.TryParse(ref reader, type, out _),
        FrameType.StopSending => StopSendingFrame.TryParse(ref reader, type, out _),
        FrameType.Crypto => CryptoFrame.TryParse(ref reader, type, out _),
        FrameType.NewToken => NewTokenFrame.TryParse(ref reader, type, out _),
        FrameType.MaxData => MaxDataFrame.TryParse(ref reader, type, out _),
        FrameType.MaxStreamData => MaxStreamDataFrame.TryParse(ref reader, type, out _),
        FrameType.MaxStreamsBidi or FrameType.MaxStreamsUni => MaxStreamsFrame.TryParse(ref reader, type, out _),
        FrameType.DataBlocked => DataBlockedFrame.TryParse(ref reader, type, out _),
        FrameType.StreamDataBlocked => StreamDataBlockedFrame.TryParse(ref reader, type, out _),
        FrameType.StreamsBlockedBidi or FrameType.StreamsBlockedUni => StreamsBlockedFrame.TryParse(ref reader, type, out _),
        FrameType.NewConnectionId => NewConnectionIdFrame.TryParse(ref reader, type, out _),
        FrameType.RetireConnectionId => RetireConnectionIdFrame.TryParse(ref reader, type, out _),
        FrameType.PathChallenge => PathChallengeFrame.TryParse(ref reader, type, out _),
        FrameType.PathResponse => PathResponseFrame.TryParse(ref reader, type, out _),
        FrameType.ConnectionClose or FrameType.ConnectionCloseApplication => ConnectionCloseFrame.TryParse(ref reader, type, out _),
        FrameType.HandshakeDone => true,
        FrameType.Datagram or FrameType.DatagramWithLength => DatagramFrame.TryParse(ref reader, type, out _),
        _ => FrameType.IsStream(type) && StreamFrame.TryParse(ref reader, type, out _),
    };

    private void WriteAck(in AckFrame ack)
    {
        // quic-events §8.13.3: ack_delay in ms (decoded with the peer's ack_delay_exponent,
        // RFC 9000 §19.3), acknowledged ranges as [from, to] or [n].
        _json.WriteStartObject();
        _json.WriteString(Fields.FrameType, Values.Ack);
        TimeSpan delay = AckFrame.DecodeAckDelay(ack.AckDelay, _peerAckDelayExponent);
        if (delay != TimeSpan.MaxValue)
        {
            _json.WriteNumber(Fields.AckDelay, delay.Ticks / (double)TimeSpan.TicksPerMillisecond);
        }

        _json.WriteStartArray(Fields.AckedRanges);
        int written = 0;
        foreach (PacketNumberRange range in ack.GetRanges())
        {
            if (written == MaxLoggedAckRanges)
            {
                break;
            }

            _json.WriteStartArray();
            _json.WriteNumberValue(range.Start);
            if (range.End != range.Start)
            {
                _json.WriteNumberValue(range.End);
            }

            _json.WriteEndArray();
            written++;
        }

        _json.WriteEndArray();
        if (ack.RangeCount > written)
        {
            _json.WriteNumber(Fields.AckedRangesOmitted, ack.RangeCount - written);
        }

        if (ack.Ecn is { } ecn)
        {
            _json.WriteNumber(Fields.Ect1, ecn.Ect1);
            _json.WriteNumber(Fields.Ect0, ecn.Ect0);
            _json.WriteNumber(Fields.Ce, ecn.Ce);
        }

        _json.WriteEndObject();
    }

    private void WriteConnectionCloseFrame(in ConnectionCloseFrame close)
    {
        _json.WriteStartObject();
        _json.WriteString(Fields.FrameType, Values.ConnectionClose);
        _json.WriteString(Fields.ErrorSpace, close.IsApplicationError ? Values.Application : Values.Transport);
        WriteErrorCode(Fields.Error, close.IsApplicationError, close.ErrorCode);
        if (Utf8.IsValid(close.ReasonPhrase))
        {
            _json.WriteString(Fields.Reason, close.ReasonPhrase);
        }
        else
        {
            WriteHex(Fields.ReasonBytes, close.ReasonPhrase);
        }

        if (!close.IsApplicationError)
        {
            _json.WriteNumber(Fields.TriggerFrameType, close.TriggeringFrameType);
        }

        _json.WriteEndObject();
    }
}
