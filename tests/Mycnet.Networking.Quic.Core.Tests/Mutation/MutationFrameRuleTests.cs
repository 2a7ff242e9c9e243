using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Mutation.MutationBytes;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// Authenticated mutants with one known answer each: a frame the RFC says MUST close the
/// connection with a specific error is put in front of the frames of a real 1-RTT packet, sealed
/// with the recorded keys and packet number, and the receiver must close with that error.
/// </summary>
public sealed class MutationFrameRuleTests
{
    public static TheoryData<string> Cases() => [.. FrameRules.Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mutation_AuthenticatedFrameBreakingAMustRule_ClosesWithTheRequiredError(string rule)
    {
        FrameRule expected = FrameRules[rule];
        using var pair = new MutationPair(seed: 31, expected.ServerSettings);
        Connection? client = null;
        using var ring = new MutationKeyRing(() => client?.CipherSuite);
        bool armed = false;
        bool injected = false;
        void Intercept(MutationHost host, Instant now, System.Net.IPEndPoint local, System.Net.IPEndPoint remote, byte[] datagram, EcnCodepoint ecn)
        {
            Direction direction = host == pair.Server ? Direction.ClientToServer : Direction.ServerToClient;
            List<OpenedPacket> opened = ring.OpenOriginal(direction, datagram, prefix => host.Deliver(now, local, remote, prefix, ecn));
            if (!armed || direction != (expected.ToServer ? Direction.ClientToServer : Direction.ServerToClient))
            {
                return;
            }

            OpenedPacket? target = opened.Find(p => p.Level == expected.Level);
            if (target is null)
            {
                return;
            }

            armed = false;
            injected = true;
            byte[] plaintext = expected.Replace ? expected.Frame : [.. expected.Frame, .. target.Plaintext];
            if (expected.ReservedBits != 0)
            {
                byte[] header = (byte[])target.Header.Clone();
                header[0] |= expected.ReservedBits;
                target = new OpenedPacket
                {
                    Level = target.Level,
                    Type = target.Type,
                    DatagramOffset = target.DatagramOffset,
                    DatagramLength = target.DatagramLength,
                    Header = header,
                    PnOffset = target.PnOffset,
                    PnLength = target.PnLength,
                    LengthFieldOffset = target.LengthFieldOffset,
                    LengthFieldSize = target.LengthFieldSize,
                    PacketNumber = target.PacketNumber,
                    Generation = target.Generation,
                    Plaintext = target.Plaintext,
                    Protected = target.Protected,
                };
            }

            byte[] mutant = Splice(datagram, target.DatagramOffset, target.DatagramLength, ring.Seal(direction, target, plaintext));
            host.Deliver(now, local, remote, mutant, ecn);
        }

        pair.Client.Interceptor = Intercept;
        pair.Server.Interceptor = Intercept;
        armed = expected.Level != EncryptionLevel.OneRtt; // handshake packets are mutated as they come
        client = pair.Connect(keyRing: ring);
        Connection Receiver() => expected.ToServer ? pair.ServerConnection! : client;
        if (expected.Level == EncryptionLevel.OneRtt)
        {
            pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(5), "the handshake");
            armed = true;
            (expected.ToServer ? client : pair.ServerConnection!).Ping();
        }

        pair.RunUntil(() => injected && Receiver().State is not (ConnectionState.Handshaking or ConnectionState.Established), TimeSpan.FromSeconds(1), $"the {(expected.ToServer ? "server" : "client")} closing on {rule}");
        Connection receiver = Receiver();

        Assert.True(injected);
        ConnectionCloseInfo? info = receiver.CloseInfo;
        Assert.NotNull(info);
        Assert.Equal(CloseReason.LocallyClosed, info.Reason);
        Assert.False(info.IsApplicationError);
        Assert.True(expected.Codes.Contains((TransportErrorCode)info.ErrorCode), $"{rule}: closed with {info}");
    }

    private sealed record FrameRule(
        bool ToServer,
        byte[] Frame,
        TransportErrorCode[] Codes,
        TransportSettings? ServerSettings = null,
        EncryptionLevel Level = EncryptionLevel.OneRtt,
        bool Replace = false,
        byte ReservedBits = 0);

    private static byte[] Frame(ulong type, params ulong[] fields)
    {
        var bytes = new List<byte>(VarIntBytes(type));
        foreach (ulong field in fields)
        {
            bytes.AddRange(VarIntBytes(field));
        }

        return [.. bytes];
    }

    private static byte[] Stream(ulong id, ulong offset, int length, bool fin = false) =>
        [.. Frame(FrameType.Stream | FrameType.StreamOffBit | FrameType.StreamLenBit | (fin ? FrameType.StreamFinBit : 0), id, offset, (ulong)length), .. new byte[length]];

    private static readonly TransportErrorCode[] FrameEncoding = [TransportErrorCode.FrameEncodingError];
    private static readonly TransportErrorCode[] Violation = [TransportErrorCode.ProtocolViolation];
    private static readonly TransportErrorCode[] StreamState = [TransportErrorCode.StreamStateError];

    // Stream IDs (RFC 9000 §2.1): 0 client bidi, 1 server bidi, 2 client uni, 3 server uni.
    private static readonly Dictionary<string, FrameRule> FrameRules = new(StringComparer.Ordinal)
    {
        // §19.7: a server MUST treat NEW_TOKEN as PROTOCOL_VIOLATION; a client an empty token as FRAME_ENCODING_ERROR.
        ["NEW_TOKEN from a client"] = new(true, Frame(FrameType.NewToken, 4, 1, 2, 3, 4), Violation),
        ["NEW_TOKEN with an empty token"] = new(false, Frame(FrameType.NewToken, 0), FrameEncoding),

        // §19.20: a server MUST treat HANDSHAKE_DONE as PROTOCOL_VIOLATION.
        ["HANDSHAKE_DONE from a client"] = new(true, Frame(FrameType.HandshakeDone), Violation),

        // §12.4: an unknown frame type MUST be FRAME_ENCODING_ERROR.
        ["an unknown frame type"] = new(true, Frame(0x21, 0), FrameEncoding),

        // §19.11, §19.14: stream counts above 2^60 MUST be FRAME_ENCODING_ERROR.
        ["MAX_STREAMS above 2^60"] = new(false, Frame(FrameType.MaxStreamsBidi, (1UL << 60) + 1), FrameEncoding),
        ["STREAMS_BLOCKED above 2^60"] = new(true, Frame(FrameType.StreamsBlockedUni, (1UL << 60) + 1), FrameEncoding),

        // §19.8: a STREAM frame for a locally initiated stream not yet created MUST be STREAM_STATE_ERROR.
        ["STREAM on a server stream the server never opened"] = new(true, Stream(1, 0, 4), StreamState),
        ["STREAM on a client stream the client never opened"] = new(false, Stream(0, 0, 4), StreamState),

        // §19.4, §19.5, §19.10, §19.13: frames for the wrong direction of a stream MUST be STREAM_STATE_ERROR.
        ["RESET_STREAM for a send-only stream"] = new(true, Frame(FrameType.ResetStream, 3, 0, 0), StreamState),
        ["STOP_SENDING for a receive-only stream"] = new(true, Frame(FrameType.StopSending, 2, 0), StreamState),
        ["MAX_STREAM_DATA for a receive-only stream"] = new(true, Frame(FrameType.MaxStreamData, 2, 100_000), StreamState),
        ["STREAM_DATA_BLOCKED for a send-only stream"] = new(true, Frame(FrameType.StreamDataBlocked, 3, 0), StreamState),

        // §4.6: a stream ID beyond the advertised limit MUST be STREAM_LIMIT_ERROR (the limit is 100 bidirectional streams).
        ["STREAM beyond the stream limit"] = new(true, Stream(4 * 100, 0, 4), [TransportErrorCode.StreamLimitError]),

        // §4.1: data beyond the flow control limit MUST be FLOW_CONTROL_ERROR.
        ["STREAM beyond the stream's flow control limit"] = new(true, Stream(0, 512 * 1024, 16), [TransportErrorCode.FlowControlError]),

        // §19.8: offset + length beyond 2^62-1 MUST be FRAME_ENCODING_ERROR or FLOW_CONTROL_ERROR.
        ["STREAM ending beyond 2^62-1"] = new(true, Stream(0, VarInt.MaxValue - 3, 8), [TransportErrorCode.FrameEncodingError, TransportErrorCode.FlowControlError]),

        // §4.5: a final size that changes MUST be FINAL_SIZE_ERROR.
        ["RESET_STREAM with a final size below the data received"] = new(true, [.. Stream(0, 0, 10, fin: true), .. Frame(FrameType.ResetStream, 0, 0, 5)], [TransportErrorCode.FinalSizeError]),

        // §19.15: Retire Prior To above the Sequence Number, and lengths outside 1..20, MUST be FRAME_ENCODING_ERROR.
        ["NEW_CONNECTION_ID retiring beyond itself"] = new(false, [.. Frame(FrameType.NewConnectionId, 5, 6), 8, .. new byte[8 + 16]], FrameEncoding),
        ["NEW_CONNECTION_ID of 21 bytes"] = new(true, [.. Frame(FrameType.NewConnectionId, 5, 0), 21, .. new byte[21 + 16]], FrameEncoding),

        // §19.16: retiring a sequence number never sent MUST be PROTOCOL_VIOLATION.
        ["RETIRE_CONNECTION_ID never issued"] = new(true, Frame(FrameType.RetireConnectionId, 1000), Violation),

        // §12.4: a frame in a packet type that does not permit it, and a packet without frames, MUST be PROTOCOL_VIOLATION.
        ["STREAM in an Initial packet"] = new(true, Stream(0, 0, 4), Violation, Level: EncryptionLevel.Initial),
        ["MAX_DATA in a Handshake packet"] = new(false, Frame(FrameType.MaxData, 1 << 20), Violation, Level: EncryptionLevel.Handshake),
        ["a 1-RTT packet without frames"] = new(true, [], Violation, Replace: true),

        // §17.2, §17.3.1: reserved bits that are not zero after removing protection MUST be PROTOCOL_VIOLATION.
        ["reserved bits in a short header"] = new(false, Frame(FrameType.Ping), Violation, ReservedBits: 0x18),
        ["reserved bits in a long header"] = new(true, Frame(FrameType.Ping), Violation, Level: EncryptionLevel.Handshake, ReservedBits: 0x0c),

        // RFC 9221 §3: a DATAGRAM frame larger than max_datagram_frame_size MUST be PROTOCOL_VIOLATION.
        ["DATAGRAM beyond max_datagram_frame_size"] = new(true, [.. Frame(FrameType.DatagramWithLength, 200), .. new byte[200]], Violation, new TransportSettings { MaxDatagramFrameSize = 100 }),
    };
}
