using System.Buffers.Binary;
using System.Text.Json;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Diagnostics.QlogSchema;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <content>
/// Frame lists of sent and lost packets (quic-events §8.13), described from the compact
/// <see cref="SentFrame"/> records the core keeps for recovery, and the frame field writers shared
/// with received packets.
/// </content>
internal sealed partial class QlogTracer
{
    private void WriteSentFrames(ReadOnlySpan<SentFrame> frames)
    {
        if (frames.IsEmpty)
        {
            return;
        }

        _json.WriteStartArray(Fields.Frames);
        int count = Math.Min(frames.Length, MaxLoggedFrames);
        for (int i = 0; i < count; i++)
        {
            WriteSentFrame(in frames[i]);
        }

        _json.WriteEndArray();
        if (frames.Length > count)
        {
            _json.WriteNumber(Fields.FramesOmitted, frames.Length - count);
        }
    }

    private void WriteSentFrame(in SentFrame frame)
    {
        _json.WriteStartObject();
        switch (frame.Kind)
        {
            case SentFrameKind.Ping:
                _json.WriteString(Fields.FrameType, Values.Ping);
                break;
            case SentFrameKind.Ack:
                // The core keeps only the largest acknowledged number of an ACK it sent; the ranges
                // are not known here, so they are not invented (an extension field carries it).
                _json.WriteString(Fields.FrameType, Values.Ack);
                _json.WriteNumber(Fields.LargestAcknowledged, frame.Value);
                break;
            case SentFrameKind.ResetStream:
                WriteResetStream(frame.StreamId, frame.Value, frame.Offset);
                break;
            case SentFrameKind.StopSending:
                WriteStopSending(frame.StreamId, frame.Value);
                break;
            case SentFrameKind.Crypto:
                _json.WriteString(Fields.FrameType, Values.Crypto);
                _json.WriteNumber(Fields.Offset, frame.Offset);
                WriteRawLength(frame.Length);
                break;
            case SentFrameKind.NewToken:
                _json.WriteString(Fields.FrameType, Values.NewToken);
                _json.WriteStartObject(Fields.Token);
                _json.WriteEndObject();
                break;
            case SentFrameKind.Stream:
                WriteStream(frame.StreamId, frame.Offset, frame.Length, frame.Fin);
                break;
            case SentFrameKind.MaxData:
                WriteValueFrame(Values.MaxData, Fields.Maximum, frame.Value);
                break;
            case SentFrameKind.MaxStreamData:
                WriteStreamValueFrame(Values.MaxStreamData, frame.StreamId, Fields.Maximum, frame.Value);
                break;
            case SentFrameKind.MaxStreamsBidi:
            case SentFrameKind.MaxStreamsUni:
                WriteStreamsFrame(Values.MaxStreams, frame.Kind == SentFrameKind.MaxStreamsBidi, Fields.Maximum, frame.Value);
                break;
            case SentFrameKind.DataBlocked:
                WriteValueFrame(Values.DataBlocked, Fields.Limit, frame.Value);
                break;
            case SentFrameKind.StreamDataBlocked:
                WriteStreamValueFrame(Values.StreamDataBlocked, frame.StreamId, Fields.Limit, frame.Value);
                break;
            case SentFrameKind.StreamsBlockedBidi:
            case SentFrameKind.StreamsBlockedUni:
                WriteStreamsFrame(Values.StreamsBlocked, frame.Kind == SentFrameKind.StreamsBlockedBidi, Fields.Limit, frame.Value);
                break;
            case SentFrameKind.NewConnectionId:
                // Only the sequence number is kept for retransmission; the ID itself is not logged.
                WriteValueFrame(Values.NewConnectionId, Fields.SequenceNumber, frame.Value);
                break;
            case SentFrameKind.RetireConnectionId:
                WriteValueFrame(Values.RetireConnectionId, Fields.SequenceNumber, frame.Value);
                break;
            case SentFrameKind.PathChallenge:
                WritePathData(Values.PathChallenge, frame.Value);
                break;
            case SentFrameKind.PathResponse:
                WritePathData(Values.PathResponse, frame.Value);
                break;
            case SentFrameKind.HandshakeDone:
                _json.WriteString(Fields.FrameType, Values.HandshakeDone);
                break;
            case SentFrameKind.Datagram:
                _json.WriteString(Fields.FrameType, Values.Datagram);
                WriteRawLength(frame.Length);
                break;
            default:
                _json.WriteString(Fields.FrameType, Values.Unknown);
                break;
        }

        _json.WriteEndObject();
    }

    /// <summary>An error as its qlog name, or "unknown" plus error_code (quic-events §8.13, ConnectionCloseFrame).</summary>
    private void WriteErrorCode(JsonEncodedText field, bool isApplication, ulong code)
    {
        string? name = isApplication ? null : TransportError(code);
        if (name is not null)
        {
            _json.WriteString(field, name);
            return;
        }

        _json.WriteString(field, Values.Unknown);
        _json.WriteNumber(Fields.ErrorCode, code);
    }

    private void WriteResetStream(ulong streamId, ulong errorCode, ulong finalSize)
    {
        _json.WriteString(Fields.FrameType, Values.ResetStream);
        _json.WriteNumber(Fields.StreamId, streamId);
        _json.WriteString(Fields.Error, Values.Unknown);
        _json.WriteNumber(Fields.ErrorCode, errorCode);
        _json.WriteNumber(Fields.FinalSize, finalSize);
    }

    private void WriteStopSending(ulong streamId, ulong errorCode)
    {
        _json.WriteString(Fields.FrameType, Values.StopSending);
        _json.WriteNumber(Fields.StreamId, streamId);
        _json.WriteString(Fields.Error, Values.Unknown);
        _json.WriteNumber(Fields.ErrorCode, errorCode);
    }

    private void WriteStream(ulong streamId, ulong offset, int length, bool fin)
    {
        _json.WriteString(Fields.FrameType, Values.Stream);
        _json.WriteNumber(Fields.StreamId, streamId);
        _json.WriteNumber(Fields.Offset, offset);
        if (fin)
        {
            _json.WriteBoolean(Fields.Fin, true);
        }

        WriteRawLength(length);
    }

    private void WriteValueFrame(JsonEncodedText frameType, JsonEncodedText field, ulong value)
    {
        _json.WriteString(Fields.FrameType, frameType);
        _json.WriteNumber(field, value);
    }

    private void WriteStreamValueFrame(JsonEncodedText frameType, ulong streamId, JsonEncodedText field, ulong value)
    {
        _json.WriteString(Fields.FrameType, frameType);
        _json.WriteNumber(Fields.StreamId, streamId);
        _json.WriteNumber(field, value);
    }

    private void WriteStreamsFrame(JsonEncodedText frameType, bool bidirectional, JsonEncodedText field, ulong value)
    {
        _json.WriteString(Fields.FrameType, frameType);
        _json.WriteString(Fields.StreamType, bidirectional ? Values.Bidirectional : Values.Unidirectional);
        _json.WriteNumber(field, value);
    }

    private void WritePathData(JsonEncodedText frameType, ulong data)
    {
        _json.WriteString(Fields.FrameType, frameType);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, data);
        WriteHex(Fields.Data, bytes);
    }

    private void WriteRawLength(long length)
    {
        _json.WriteStartObject(Fields.Raw);
        _json.WriteNumber(Fields.Length, length);
        _json.WriteEndObject();
    }

    /// <summary>A lowercase hexstring (main schema §1.2), without allocating.</summary>
    private void WriteHex(JsonEncodedText field, ReadOnlySpan<byte> bytes)
    {
        Span<char> hex = stackalloc char[128];
        if (bytes.Length > hex.Length / 2)
        {
            bytes = bytes[..(hex.Length / 2)];
        }

        Convert.TryToHexStringLower(bytes, hex, out int written);
        _json.WriteString(field, hex[..written]);
    }
}
