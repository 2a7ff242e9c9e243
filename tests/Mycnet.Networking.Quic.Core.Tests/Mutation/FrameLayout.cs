using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>The kind of a frame field, for choosing mutations.</summary>
internal enum FieldKind
{
    /// <summary>A variable-length integer value (stream ID, offset, limit, error code, ...).</summary>
    VarInt,

    /// <summary>A variable-length integer that gives the length of the following bytes.</summary>
    Length,

    /// <summary>A one-byte length (NEW_CONNECTION_ID's connection ID length).</summary>
    ByteLength,

    /// <summary>Opaque bytes (stream data, CRYPTO data, token, reason phrase, connection ID).</summary>
    Bytes,
}

/// <summary>One field of a frame inside a plaintext payload.</summary>
internal readonly record struct FrameField(int Offset, int Size, FieldKind Kind, ulong Value);

/// <summary>One frame inside a plaintext payload: its type and where it lies.</summary>
internal readonly record struct FrameInfo(ulong Type, int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// Finds the frames of a decrypted payload with the engine's own parsers (RFC 9000 §12.4, §19), and
/// the fields inside a frame by its layout, so mutations can target a frame type, a length, an
/// offset or a stream ID precisely.
/// </summary>
internal static class FrameLayout
{
    /// <summary>The frames that parse, in order; <paramref name="tail"/> is where parsing stopped.</summary>
    public static List<FrameInfo> Walk(ReadOnlySpan<byte> payload, out int tail)
    {
        var frames = new List<FrameInfo>();
        var reader = new WireReader(payload);
        while (!reader.IsEnd)
        {
            int start = reader.Position;
            if (!Frames.TryReadType(ref reader, out ulong type) || !TrySkip(ref reader, type))
            {
                tail = start;
                return frames;
            }

            frames.Add(new FrameInfo(type, start, reader.Position));
        }

        tail = payload.Length;
        return frames;
    }

    /// <summary>The fields of <paramref name="frame"/> after its type byte.</summary>
    public static List<FrameField> Fields(ReadOnlySpan<byte> payload, FrameInfo frame)
    {
        var fields = new List<FrameField>();
        ReadOnlySpan<byte> bytes = payload[..frame.End];
        int position = frame.Start + 1;
        ulong type = frame.Type;
        switch (type)
        {
            case FrameType.Ack:
            case FrameType.AckEcn:
                VarIntField(bytes, ref position, FieldKind.VarInt, fields); // largest acknowledged
                VarIntField(bytes, ref position, FieldKind.VarInt, fields); // ACK delay
                ulong count = VarIntField(bytes, ref position, FieldKind.VarInt, fields); // range count
                VarIntField(bytes, ref position, FieldKind.VarInt, fields); // first range
                for (ulong i = 0; i < count && position < bytes.Length; i++)
                {
                    VarIntField(bytes, ref position, FieldKind.VarInt, fields); // gap
                    VarIntField(bytes, ref position, FieldKind.VarInt, fields); // range length
                }

                if (type == FrameType.AckEcn)
                {
                    VarIntField(bytes, ref position, FieldKind.VarInt, fields);
                    VarIntField(bytes, ref position, FieldKind.VarInt, fields);
                    VarIntField(bytes, ref position, FieldKind.VarInt, fields);
                }

                break;
            case FrameType.ResetStream:
                VarIntFields(bytes, ref position, 3, fields);
                break;
            case FrameType.StopSending:
            case FrameType.MaxStreamData:
            case FrameType.StreamDataBlocked:
                VarIntFields(bytes, ref position, 2, fields);
                break;
            case FrameType.Crypto:
                VarIntField(bytes, ref position, FieldKind.VarInt, fields);
                LengthPrefixed(bytes, ref position, fields);
                break;
            case FrameType.NewToken:
            case FrameType.DatagramWithLength:
                LengthPrefixed(bytes, ref position, fields);
                break;
            case FrameType.MaxData:
            case FrameType.MaxStreamsBidi:
            case FrameType.MaxStreamsUni:
            case FrameType.DataBlocked:
            case FrameType.StreamsBlockedBidi:
            case FrameType.StreamsBlockedUni:
            case FrameType.RetireConnectionId:
                VarIntFields(bytes, ref position, 1, fields);
                break;
            case FrameType.NewConnectionId:
                VarIntFields(bytes, ref position, 2, fields);
                if (position < bytes.Length)
                {
                    int cidLength = bytes[position];
                    fields.Add(new FrameField(position, 1, FieldKind.ByteLength, (ulong)cidLength));
                    position++;
                    BytesField(bytes, ref position, cidLength, fields);
                    BytesField(bytes, ref position, StatelessResetToken.Length, fields);
                }

                break;
            case FrameType.PathChallenge:
            case FrameType.PathResponse:
                BytesField(bytes, ref position, 8, fields);
                break;
            case FrameType.ConnectionClose:
                VarIntFields(bytes, ref position, 2, fields);
                LengthPrefixed(bytes, ref position, fields);
                break;
            case FrameType.ConnectionCloseApplication:
                VarIntFields(bytes, ref position, 1, fields);
                LengthPrefixed(bytes, ref position, fields);
                break;
            case FrameType.Datagram:
                BytesField(bytes, ref position, bytes.Length - position, fields);
                break;
            default:
                if (FrameType.IsStream(type))
                {
                    VarIntField(bytes, ref position, FieldKind.VarInt, fields); // stream ID
                    if ((type & FrameType.StreamOffBit) != 0)
                    {
                        VarIntField(bytes, ref position, FieldKind.VarInt, fields);
                    }

                    if ((type & FrameType.StreamLenBit) != 0)
                    {
                        LengthPrefixed(bytes, ref position, fields);
                    }
                    else
                    {
                        BytesField(bytes, ref position, bytes.Length - position, fields);
                    }
                }

                break;
        }

        return fields;
    }

    private static bool TrySkip(ref WireReader reader, ulong type)
    {
        switch (type)
        {
            case FrameType.Padding: return Skip<PaddingFrame>(ref reader, type);
            case FrameType.Ping: return Skip<PingFrame>(ref reader, type);
            case FrameType.Ack:
            case FrameType.AckEcn: return Skip<AckFrame>(ref reader, type);
            case FrameType.ResetStream: return Skip<ResetStreamFrame>(ref reader, type);
            case FrameType.StopSending: return Skip<StopSendingFrame>(ref reader, type);
            case FrameType.Crypto: return Skip<CryptoFrame>(ref reader, type);
            case FrameType.NewToken: return Skip<NewTokenFrame>(ref reader, type);
            case FrameType.MaxData: return Skip<MaxDataFrame>(ref reader, type);
            case FrameType.MaxStreamData: return Skip<MaxStreamDataFrame>(ref reader, type);
            case FrameType.MaxStreamsBidi:
            case FrameType.MaxStreamsUni: return Skip<MaxStreamsFrame>(ref reader, type);
            case FrameType.DataBlocked: return Skip<DataBlockedFrame>(ref reader, type);
            case FrameType.StreamDataBlocked: return Skip<StreamDataBlockedFrame>(ref reader, type);
            case FrameType.StreamsBlockedBidi:
            case FrameType.StreamsBlockedUni: return Skip<StreamsBlockedFrame>(ref reader, type);
            case FrameType.NewConnectionId: return Skip<NewConnectionIdFrame>(ref reader, type);
            case FrameType.RetireConnectionId: return Skip<RetireConnectionIdFrame>(ref reader, type);
            case FrameType.PathChallenge: return Skip<PathChallengeFrame>(ref reader, type);
            case FrameType.PathResponse: return Skip<PathResponseFrame>(ref reader, type);
            case FrameType.ConnectionClose:
            case FrameType.ConnectionCloseApplication: return Skip<ConnectionCloseFrame>(ref reader, type);
            case FrameType.HandshakeDone: return Skip<HandshakeDoneFrame>(ref reader, type);
            case FrameType.Datagram:
            case FrameType.DatagramWithLength: return Skip<DatagramFrame>(ref reader, type);
            default: return FrameType.IsStream(type) && Skip<StreamFrame>(ref reader, type);
        }
    }

    private static bool Skip<T>(ref WireReader reader, ulong type)
        where T : IQuicFrame<T>, allows ref struct => T.TryParse(ref reader, type, out _);

    private static void VarIntFields(ReadOnlySpan<byte> bytes, ref int position, int count, List<FrameField> fields)
    {
        for (int i = 0; i < count; i++)
        {
            VarIntField(bytes, ref position, FieldKind.VarInt, fields);
        }
    }

    private static ulong VarIntField(ReadOnlySpan<byte> bytes, ref int position, FieldKind kind, List<FrameField> fields)
    {
        if (position >= bytes.Length || !VarInt.TryRead(bytes[position..], out ulong value, out int length))
        {
            return 0;
        }

        fields.Add(new FrameField(position, length, kind, value));
        position += length;
        return value;
    }

    private static void LengthPrefixed(ReadOnlySpan<byte> bytes, ref int position, List<FrameField> fields)
    {
        ulong length = VarIntField(bytes, ref position, FieldKind.Length, fields);
        BytesField(bytes, ref position, (int)Math.Min(length, (ulong)Math.Max(0, bytes.Length - position)), fields);
    }

    private static void BytesField(ReadOnlySpan<byte> bytes, ref int position, int length, List<FrameField> fields)
    {
        length = Math.Min(length, Math.Max(0, bytes.Length - position));
        if (length > 0)
        {
            fields.Add(new FrameField(position, length, FieldKind.Bytes, (ulong)length));
        }

        position += length;
    }
}
