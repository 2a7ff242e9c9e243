using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

/// <summary>
/// Feeds seeded random bytes and mutations of valid encodings to every frame parser. A parser must never
/// throw, must be deterministic, and whatever it accepts must re-encode to a frame that parses back to
/// the same bytes with the announced length.
/// </summary>
public sealed class FrameFuzzTests
{
    private const int IterationsPerType = 3000;

    public static TheoryData<int> AllFrameTypes()
    {
        var data = new TheoryData<int>();
        for (int type = 0; type <= 0x1e; type++)
        {
            data.Add(type);
        }

        data.Add((int)FrameType.Datagram);
        data.Add((int)FrameType.DatagramWithLength);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllFrameTypes))]
    public void RandomAndMutatedBodies_NeverThrowAndAreDeterministic(int frameType)
    {
        var mutator = new Mutator(frameType * 7919);
        byte[][] seeds = ValidEncodings((ulong)frameType);
        for (int i = 0; i < IterationsPerType; i++)
        {
            // Whole frames, type byte included: random bodies behind the right type, or mutated valid frames.
            byte[] input = i % 2 == 0
                ? [(byte)frameType, .. mutator.RandomBytes(48)]
                : mutator.Mutate(seeds[i % seeds.Length]);

            Outcome first = ParseFrame(input);
            Outcome second = ParseFrame(input);
            Assert.Equal(first, second);
            if (first.Parsed)
            {
                // The canonical re-encoding parses again and is a fixed point.
                Outcome again = ParseFrame(first.Reencoded!);
                Assert.True(again.Parsed);
                Assert.Equal(first.Reencoded!.Length, again.Consumed);
                Assert.Equal(first.Reencoded, again.Reencoded);
            }
        }
    }

    [Fact]
    public void RandomPayloads_IterateToTheEndOrFailCleanly()
    {
        var mutator = new Mutator(424242);
        byte[] valid = [.. ValidEncodings(FrameType.Ack)[0], .. ValidEncodings(FrameType.Crypto)[0], .. ValidEncodings(FrameType.Padding)[0]];
        for (int i = 0; i < 5000; i++)
        {
            byte[] payload = i % 2 == 0 ? mutator.RandomBytes(200) : mutator.Mutate(valid);
            int frames = 0;
            var reader = new WireReader(payload);
            while (!reader.IsEnd)
            {
                int before = reader.Position;
                if (!Frames.TryReadType(ref reader, out ulong type) || !TryParseAny(ref reader, type))
                {
                    break;
                }

                Assert.True(reader.Position > before, "every accepted frame consumes bytes");
                frames++;
            }

            Assert.True(frames <= payload.Length);
        }
    }

    internal readonly record struct Outcome(bool Parsed, int Consumed, byte[]? Reencoded)
    {
        public bool Equals(Outcome other) =>
            Parsed == other.Parsed && Consumed == other.Consumed
            && (Reencoded is null ? other.Reencoded is null : other.Reencoded is not null && Reencoded.AsSpan().SequenceEqual(other.Reencoded));

        public override int GetHashCode() => HashCode.Combine(Parsed, Consumed);
    }

    /// <summary>Reads the type and parses one frame of whichever kind it names; re-encodes it on success.</summary>
    internal static Outcome ParseFrame(byte[] input)
    {
        var reader = new WireReader(input);
        if (!Frames.TryReadType(ref reader, out ulong type))
        {
            return new Outcome(false, 0, null);
        }

        return type switch
        {
            FrameType.Padding => Parse<PaddingFrame>(ref reader, type),
            FrameType.Ping => Parse<PingFrame>(ref reader, type),
            FrameType.Ack or FrameType.AckEcn => Parse<AckFrame>(ref reader, type),
            FrameType.ResetStream => Parse<ResetStreamFrame>(ref reader, type),
            FrameType.StopSending => Parse<StopSendingFrame>(ref reader, type),
            FrameType.Crypto => Parse<CryptoFrame>(ref reader, type),
            FrameType.NewToken => Parse<NewTokenFrame>(ref reader, type),
            >= FrameType.Stream and <= FrameType.StreamMax => Parse<StreamFrame>(ref reader, type),
            FrameType.MaxData => Parse<MaxDataFrame>(ref reader, type),
            FrameType.MaxStreamData => Parse<MaxStreamDataFrame>(ref reader, type),
            FrameType.MaxStreamsBidi or FrameType.MaxStreamsUni => Parse<MaxStreamsFrame>(ref reader, type),
            FrameType.DataBlocked => Parse<DataBlockedFrame>(ref reader, type),
            FrameType.StreamDataBlocked => Parse<StreamDataBlockedFrame>(ref reader, type),
            FrameType.StreamsBlockedBidi or FrameType.StreamsBlockedUni => Parse<StreamsBlockedFrame>(ref reader, type),
            FrameType.NewConnectionId => Parse<NewConnectionIdFrame>(ref reader, type),
            FrameType.RetireConnectionId => Parse<RetireConnectionIdFrame>(ref reader, type),
            FrameType.PathChallenge => Parse<PathChallengeFrame>(ref reader, type),
            FrameType.PathResponse => Parse<PathResponseFrame>(ref reader, type),
            FrameType.ConnectionClose or FrameType.ConnectionCloseApplication => Parse<ConnectionCloseFrame>(ref reader, type),
            FrameType.HandshakeDone => Parse<HandshakeDoneFrame>(ref reader, type),
            FrameType.Datagram or FrameType.DatagramWithLength => Parse<DatagramFrame>(ref reader, type),
            _ => throw new InvalidOperationException($"TryReadType accepted unknown type {type}"),
        };
    }

    private static bool TryParseAny(ref WireReader reader, ulong type)
    {
        byte[] rest = reader.RemainingSpan.ToArray();
        Outcome outcome = ParseFrame([(byte)type, .. rest]);
        return outcome.Parsed && reader.TrySkip(outcome.Consumed - 1);
    }

    private static Outcome Parse<T>(ref WireReader reader, ulong type)
        where T : IQuicFrame<T>, allows ref struct
    {
        if (!T.TryParse(ref reader, type, out T frame))
        {
            return new Outcome(false, 0, null);
        }

        return new Outcome(true, reader.Position, FrameTestKit.WriteToArray(frame));
    }

    private static byte[][] ValidEncodings(ulong type)
    {
        string hex = type switch
        {
            FrameType.Padding => "00 00 00",
            FrameType.Ping => "01",
            FrameType.Ack => "02 40c8 19 02 03 01 00 00 02",
            FrameType.AckEcn => "03 40c8 19 02 03 01 00 00 02 01 02 4100",
            FrameType.ResetStream => "04 04 4100 4400",
            FrameType.StopSending => "05 04 4100",
            FrameType.Crypto => "06 4400 05 68656c6c6f",
            FrameType.NewToken => "07 04 deadbeef",
            >= FrameType.Stream and <= FrameType.StreamMax => $"{type:x2} 04 4400 05 68656c6c6f",
            FrameType.MaxData => "10 4400",
            FrameType.MaxStreamData => "11 04 4400",
            FrameType.MaxStreamsBidi => "12 4064",
            FrameType.MaxStreamsUni => "13 4064",
            FrameType.DataBlocked => "14 4400",
            FrameType.StreamDataBlocked => "15 04 4400",
            FrameType.StreamsBlockedBidi => "16 4064",
            FrameType.StreamsBlockedUni => "17 4064",
            FrameType.NewConnectionId => "18 05 02 04 01020304 00112233445566778899aabbccddeeff",
            FrameType.RetireConnectionId => "19 02",
            FrameType.PathChallenge => "1a 0102030405060708",
            FrameType.PathResponse => "1b 0102030405060708",
            FrameType.ConnectionClose => "1c 07 06 03 626164",
            FrameType.ConnectionCloseApplication => "1d 4100 02 6f6b",
            FrameType.HandshakeDone => "1e",
            FrameType.Datagram => "30 616263",
            _ => "31 03 616263",
        };
        return [FrameTestKit.Hex(hex)];
    }
}
