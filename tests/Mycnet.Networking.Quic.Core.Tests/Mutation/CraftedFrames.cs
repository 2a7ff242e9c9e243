using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Mutation.MutationBytes;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// Frames made up for insertion into a real packet, of every type in RFC 9000 §19 and RFC 9221 §4,
/// with field values at and beyond the limits (stream IDs of every type and far beyond the limit,
/// offsets near 2^62, impossible ACK ranges, connection IDs of 0 and 21 bytes, reason phrases longer
/// than the packet, ...). Encoded by hand so that values the engine's writers refuse can be sent.
/// </summary>
internal static class CraftedFrames
{
    public static (byte[] Frame, string What) Create(Random random, ulong largestPacketNumber)
    {
        var bytes = new List<byte>(64);
        string what;
        switch (random.Next(22))
        {
            case 0:
            {
                byte type = (byte)(FrameType.Stream | (ulong)random.Next(8));
                ulong id = StreamId(random);
                ulong offset = random.Next(4) switch { 0 => 0, 1 => (ulong)random.Next(1, 1 << 20), 2 => VarInt.MaxValue - (ulong)random.Next(0, 100), _ => InterestingValue(random, 0) };
                byte[] data = RandomBytes(random, random.Next(4) == 0 ? 0 : random.Next(1, 200));
                bytes.Add(type);
                bytes.AddRange(VarIntBytes(id));
                if ((type & FrameType.StreamOffBit) != 0)
                {
                    bytes.AddRange(VarIntBytes(offset));
                }

                if ((type & FrameType.StreamLenBit) != 0)
                {
                    bytes.AddRange(VarIntBytes(random.Next(5) == 0 ? (ulong)data.Length + (ulong)random.Next(1, 5000) : (ulong)data.Length));
                }

                bytes.AddRange(data);
                what = Format($"STREAM 0x{type:x2} id {id} offset {offset} with {data.Length} bytes");
                break;
            }

            case 1:
                what = Triple(bytes, FrameType.ResetStream, StreamId(random), InterestingValue(random, 0), InterestingValue(random, 100), "RESET_STREAM");
                break;
            case 2:
                what = Pair(bytes, FrameType.StopSending, StreamId(random), InterestingValue(random, 0), "STOP_SENDING");
                break;
            case 3:
            {
                ulong offset = random.Next(3) switch { 0 => (ulong)random.Next(0, 70_000), 1 => VarInt.MaxValue - 10, _ => InterestingValue(random, 0) };
                byte[] data = RandomBytes(random, random.Next(0, 100));
                bytes.Add((byte)FrameType.Crypto);
                bytes.AddRange(VarIntBytes(offset));
                bytes.AddRange(VarIntBytes((ulong)data.Length));
                bytes.AddRange(data);
                what = Format($"CRYPTO offset {offset} with {data.Length} bytes");
                break;
            }

            case 4:
            {
                int length = random.Next(3) switch { 0 => 0, 1 => 16, _ => random.Next(1, 300) };
                bytes.Add((byte)FrameType.NewToken);
                bytes.AddRange(VarIntBytes(random.Next(6) == 0 ? (ulong)length + 1000 : (ulong)length));
                bytes.AddRange(RandomBytes(random, length));
                what = Format($"NEW_TOKEN of {length} bytes");
                break;
            }

            case 5:
                what = Single(bytes, FrameType.MaxData, InterestingValue(random, 1 << 20), "MAX_DATA");
                break;
            case 6:
                what = Pair(bytes, FrameType.MaxStreamData, StreamId(random), InterestingValue(random, 1 << 19), "MAX_STREAM_DATA");
                break;
            case 7:
                what = Single(bytes, random.Next(2) == 0 ? FrameType.MaxStreamsBidi : FrameType.MaxStreamsUni, random.Next(3) == 0 ? (1UL << 60) + 1 : InterestingValue(random, 100), "MAX_STREAMS");
                break;
            case 8:
                what = Single(bytes, FrameType.DataBlocked, InterestingValue(random, 1 << 20), "DATA_BLOCKED");
                break;
            case 9:
                what = Pair(bytes, FrameType.StreamDataBlocked, StreamId(random), InterestingValue(random, 1 << 19), "STREAM_DATA_BLOCKED");
                break;
            case 10:
                what = Single(bytes, random.Next(2) == 0 ? FrameType.StreamsBlockedBidi : FrameType.StreamsBlockedUni, random.Next(3) == 0 ? (1UL << 60) + 1 : InterestingValue(random, 100), "STREAMS_BLOCKED");
                break;
            case 11:
            {
                ulong sequence = random.Next(4) switch { 0 => (ulong)random.Next(0, 12), 1 => (ulong)random.Next(12, 1000), _ => InterestingValue(random, 4) };
                ulong retire = random.Next(3) switch { 0 => 0, 1 => sequence + 1, _ => (ulong)random.Next(0, (int)Math.Min(20, sequence + 2)) };
                int cidLength = random.Next(5) switch { 0 => 0, 1 => 21, 2 => 20, _ => 8 };
                bytes.Add((byte)FrameType.NewConnectionId);
                bytes.AddRange(VarIntBytes(sequence));
                bytes.AddRange(VarIntBytes(retire));
                bytes.Add((byte)cidLength);
                bytes.AddRange(RandomBytes(random, cidLength));
                bytes.AddRange(RandomBytes(random, StatelessResetToken.Length));
                what = Format($"NEW_CONNECTION_ID seq {sequence} retire {retire} cid {cidLength} bytes");
                break;
            }

            case 12:
                what = Single(bytes, FrameType.RetireConnectionId, random.Next(3) == 0 ? InterestingValue(random, 1) : (ulong)random.Next(0, 10), "RETIRE_CONNECTION_ID");
                break;
            case 13:
                bytes.Add((byte)(random.Next(2) == 0 ? FrameType.PathChallenge : FrameType.PathResponse));
                bytes.AddRange(RandomBytes(random, random.Next(4) == 0 ? random.Next(0, 8) : 8));
                what = Format($"PATH_{(bytes[0] == FrameType.PathChallenge ? "CHALLENGE" : "RESPONSE")} of {bytes.Count - 1} bytes");
                break;
            case 14:
            {
                bool application = random.Next(2) == 0;
                int reason = random.Next(3) switch { 0 => 0, 1 => random.Next(1, 40), _ => random.Next(40, 400) };
                bytes.Add((byte)(application ? FrameType.ConnectionCloseApplication : FrameType.ConnectionClose));
                bytes.AddRange(VarIntBytes(InterestingValue(random, 0x0a)));
                if (!application)
                {
                    bytes.AddRange(VarIntBytes(InterestingValue(random, 0x08)));
                }

                bytes.AddRange(VarIntBytes(random.Next(5) == 0 ? (ulong)reason + (ulong)random.Next(1, 100_000) : (ulong)reason));
                byte[] phrase = RandomBytes(random, reason); // not necessarily UTF-8
                bytes.AddRange(phrase);
                what = Format($"CONNECTION_CLOSE{(application ? " (application)" : string.Empty)} with a {reason}-byte reason");
                break;
            }

            case 15:
                bytes.Add((byte)FrameType.HandshakeDone);
                what = "HANDSHAKE_DONE";
                break;
            case 16:
            {
                bool withLength = random.Next(2) == 0;
                int length = random.Next(3) switch { 0 => 0, 1 => random.Next(1, 100), _ => random.Next(100, 1100) };
                bytes.Add((byte)(withLength ? FrameType.DatagramWithLength : FrameType.Datagram));
                if (withLength)
                {
                    bytes.AddRange(VarIntBytes(random.Next(5) == 0 ? InterestingValue(random, (ulong)length) : (ulong)length));
                }

                bytes.AddRange(RandomBytes(random, length));
                what = Format($"DATAGRAM{(withLength ? " with length" : string.Empty)} of {length} bytes");
                break;
            }

            case 17:
            case 18:
            {
                bool ecn = random.Next(3) == 0;
                ulong largest = random.Next(3) switch { 0 => largestPacketNumber, 1 => largestPacketNumber + (ulong)random.Next(1, 1000), _ => InterestingValue(random, largestPacketNumber) };
                ulong delay = random.Next(3) == 0 ? InterestingValue(random, 10) : (ulong)random.Next(0, 100);
                int ranges = random.Next(4) switch { 0 => 0, 1 => 1, 2 => random.Next(2, 40), _ => random.Next(40, 300) };
                bytes.Add((byte)(ecn ? FrameType.AckEcn : FrameType.Ack));
                bytes.AddRange(VarIntBytes(largest));
                bytes.AddRange(VarIntBytes(delay));
                bytes.AddRange(VarIntBytes(random.Next(8) == 0 ? InterestingValue(random, (ulong)ranges) : (ulong)ranges));
                bytes.AddRange(VarIntBytes(random.Next(4) == 0 ? largest + 1 : (ulong)random.Next(0, (int)Math.Min(50, largest + 1))));
                for (int i = 0; i < ranges; i++)
                {
                    bytes.AddRange(VarIntBytes((ulong)random.Next(0, 5)));
                    bytes.AddRange(VarIntBytes((ulong)random.Next(0, 5)));
                }

                if (ecn)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        bytes.AddRange(VarIntBytes(random.Next(3) == 0 ? InterestingValue(random, 0) : (ulong)random.Next(0, 10)));
                    }
                }

                what = Format($"ACK{(ecn ? "_ECN" : string.Empty)} largest {largest} with {ranges} extra ranges");
                break;
            }

            case 19:
                bytes.Add((byte)FrameType.Ping);
                what = "PING";
                break;
            case 20:
                bytes.AddRange(new byte[random.Next(1, 50)]);
                what = Format($"{bytes.Count} PADDING");
                break;
            default:
            {
                // A type that is not a frame, or a known type in a longer varint encoding (RFC 9000 §12.4: must be shortest).
                byte[] type = random.Next(3) switch
                {
                    0 => VarIntBytes((ulong)random.Next(0x1f, 0x30)),
                    1 => VarIntBytes((ulong)random.Next(0, 0x20), 2),
                    _ => VarIntBytes(InterestingValue(random, 0x40)),
                };
                bytes.AddRange(type);
                bytes.AddRange(RandomBytes(random, random.Next(0, 16)));
                what = Format($"unknown frame type {Hex(type)}");
                break;
            }
        }

        return ([.. bytes], what);
    }

    private static ulong StreamId(Random random) => random.Next(6) switch
    {
        0 => (ulong)random.Next(0, 4), // the first stream of each type
        1 => (ulong)random.Next(0, 64), // low IDs of any type
        2 => (ulong)random.Next(0, 4) + (4UL * (ulong)random.Next(100, 1000)), // beyond the stream limit
        3 => VarInt.MaxValue - (ulong)random.Next(0, 4),
        _ => InterestingValue(random, (ulong)random.Next(0, 16)),
    };

    private static string Single(List<byte> bytes, ulong type, ulong value, string name)
    {
        bytes.Add((byte)type);
        bytes.AddRange(VarIntBytes(value));
        return Format($"{name} {value}");
    }

    private static string Pair(List<byte> bytes, ulong type, ulong first, ulong second, string name)
    {
        bytes.Add((byte)type);
        bytes.AddRange(VarIntBytes(first));
        bytes.AddRange(VarIntBytes(second));
        return Format($"{name} {first} {second}");
    }

    private static string Triple(List<byte> bytes, ulong type, ulong first, ulong second, ulong third, string name)
    {
        bytes.Add((byte)type);
        bytes.AddRange(VarIntBytes(first));
        bytes.AddRange(VarIntBytes(second));
        bytes.AddRange(VarIntBytes(third));
        return Format($"{name} {first} {second} {third}");
    }
}
