using System.Net;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class TransportParametersTests
{
    private const string Iscid = "0f 04 01020304"; // initial_source_connection_id, required from both sides
    private const string Odcid = "00 08 8394c8f03e515708"; // original_destination_connection_id, required from a server
    private static readonly byte[] Token = Convert.FromHexString("00112233445566778899aabbccddeeff");

    [Fact]
    public void KnownEncoding_FromAClient_DecodesEveryFieldAndKeepsDefaults()
    {
        // max_idle_timeout 30000 ms, initial_max_data 1 MiB, initial_max_streams_bidi 100, max_datagram_frame_size 1200.
        TransportParameters p = Decode(Iscid + " 01 04 80007530 04 04 80100000 08 02 4064 20 02 44b0", sentByServer: false);
        Assert.Equal(new ConnectionId([1, 2, 3, 4]), p.InitialSourceConnectionId);
        Assert.Equal(30000UL, p.MaxIdleTimeoutMilliseconds);
        Assert.Equal(TimeSpan.FromSeconds(30), p.GetMaxIdleTimeout());
        Assert.Equal(1UL << 20, p.InitialMaxData);
        Assert.Equal(100UL, p.InitialMaxStreamsBidi);
        Assert.Equal(1200UL, p.MaxDatagramFrameSize);

        // RFC 9000 §18.2 defaults for everything absent.
        Assert.Equal(65527UL, p.MaxUdpPayloadSize);
        Assert.Equal(3UL, p.AckDelayExponent);
        Assert.Equal(25UL, p.MaxAckDelayMilliseconds);
        Assert.Equal(TimeSpan.FromMilliseconds(25), p.GetMaxAckDelay());
        Assert.Equal(2UL, p.ActiveConnectionIdLimit);
        Assert.Equal(0UL, p.InitialMaxStreamsUni);
        Assert.False(p.DisableActiveMigration);
        Assert.Null(p.PreferredAddress);
        Assert.Null(p.StatelessResetToken);
        Assert.Null(p.OriginalDestinationConnectionId);
        Assert.Empty(p.AdditionalParameters);
    }

    [Fact]
    public void Defaults_WhenAbsent_MatchTheRfc()
    {
        var p = new TransportParameters();
        Assert.Null(p.GetMaxIdleTimeout());
        Assert.Null(p.MaxDatagramFrameSize);
        Assert.Equal(65527UL, p.MaxUdpPayloadSize);
        Assert.Equal(2UL, p.ActiveConnectionIdLimit);
    }

    [Fact]
    public void EncodeThenDecode_ServerWithEveryParameter_RoundTrips()
    {
        var original = new TransportParameters
        {
            OriginalDestinationConnectionId = new ConnectionId(Convert.FromHexString("8394c8f03e515708")),
            MaxIdleTimeoutMilliseconds = 60_000,
            StatelessResetToken = new StatelessResetToken(Token),
            MaxUdpPayloadSize = 1452,
            InitialMaxData = 10_000_000,
            InitialMaxStreamDataBidiLocal = 1_000_000,
            InitialMaxStreamDataBidiRemote = 2_000_000,
            InitialMaxStreamDataUni = 3_000_000,
            InitialMaxStreamsBidi = 1UL << 60,
            InitialMaxStreamsUni = 7,
            AckDelayExponent = 20,
            MaxAckDelayMilliseconds = 16383,
            DisableActiveMigration = true,
            PreferredAddress = new PreferredAddress(
                new IPEndPoint(IPAddress.Parse("192.0.2.1"), 4433),
                new IPEndPoint(IPAddress.IPv6Any, 0),
                new ConnectionId([9, 8, 7, 6, 5]),
                new StatelessResetToken(Token)),
            ActiveConnectionIdLimit = 8,
            InitialSourceConnectionId = new ConnectionId([1, 2, 3, 4]),
            RetrySourceConnectionId = new ConnectionId([0xaa]),
            MaxDatagramFrameSize = 65535,
        };
        original.AdditionalParameters.Add(new TransportParameter(0x3e, [1, 2, 3]));

        byte[] encoded = original.Encode(sentByServer: true);
        Assert.Equal(original.GetEncodedLength(), encoded.Length);
        TransportParameters decoded = TransportParameters.Decode(encoded, sentByServer: true);

        Assert.Equal(original.OriginalDestinationConnectionId, decoded.OriginalDestinationConnectionId);
        Assert.Equal(original.MaxIdleTimeoutMilliseconds, decoded.MaxIdleTimeoutMilliseconds);
        Assert.Equal(original.StatelessResetToken, decoded.StatelessResetToken);
        Assert.Equal(original.MaxUdpPayloadSize, decoded.MaxUdpPayloadSize);
        Assert.Equal(original.InitialMaxData, decoded.InitialMaxData);
        Assert.Equal(original.InitialMaxStreamDataBidiLocal, decoded.InitialMaxStreamDataBidiLocal);
        Assert.Equal(original.InitialMaxStreamDataBidiRemote, decoded.InitialMaxStreamDataBidiRemote);
        Assert.Equal(original.InitialMaxStreamDataUni, decoded.InitialMaxStreamDataUni);
        Assert.Equal(original.InitialMaxStreamsBidi, decoded.InitialMaxStreamsBidi);
        Assert.Equal(original.InitialMaxStreamsUni, decoded.InitialMaxStreamsUni);
        Assert.Equal(original.AckDelayExponent, decoded.AckDelayExponent);
        Assert.Equal(original.MaxAckDelayMilliseconds, decoded.MaxAckDelayMilliseconds);
        Assert.True(decoded.DisableActiveMigration);
        Assert.NotNull(decoded.PreferredAddress);
        Assert.Equal(original.PreferredAddress.IPv4, decoded.PreferredAddress.IPv4);
        Assert.Equal(original.PreferredAddress.IPv6, decoded.PreferredAddress.IPv6);
        Assert.True(decoded.PreferredAddress.HasIPv4);
        Assert.False(decoded.PreferredAddress.HasIPv6);
        Assert.Equal(original.PreferredAddress.ConnectionId, decoded.PreferredAddress.ConnectionId);
        Assert.Equal(original.PreferredAddress.StatelessResetToken, decoded.PreferredAddress.StatelessResetToken);
        Assert.Equal(original.ActiveConnectionIdLimit, decoded.ActiveConnectionIdLimit);
        Assert.Equal(original.InitialSourceConnectionId, decoded.InitialSourceConnectionId);
        Assert.Equal(original.RetrySourceConnectionId, decoded.RetrySourceConnectionId);
        Assert.Equal(original.MaxDatagramFrameSize, decoded.MaxDatagramFrameSize);
        TransportParameter extension = Assert.Single(decoded.AdditionalParameters);
        Assert.Equal(0x3eUL, extension.Id);
        Assert.Equal([1, 2, 3], extension.Value);

        // Re-encoding the decoded parameters gives the same bytes.
        Assert.Equal(encoded, decoded.Encode(sentByServer: true));
    }

    [Fact]
    public void Encode_OmitsParametersAtTheirDefault()
    {
        var p = new TransportParameters { InitialSourceConnectionId = ConnectionId.Empty };
        Assert.Equal(Convert.FromHexString("0f00"), p.Encode(sentByServer: false));
    }

    [Fact]
    public void ZeroLengthInitialSourceConnectionId_IsAccepted() =>
        Assert.Equal(ConnectionId.Empty, Decode("0f 00", sentByServer: false).InitialSourceConnectionId);

    [Fact]
    public void DuplicateParameter_IsRejected()
    {
        AssertInvalid(Iscid + " 04 01 05 04 01 06", sentByServer: false);
        AssertInvalid(Iscid + " " + Iscid, sentByServer: false);
        AssertInvalid(Iscid + " 3e 00 3e 00", sentByServer: false); // unknown ids too
    }

    [Theory]
    [InlineData("04")] // id without length
    [InlineData("04 04 8010")] // length beyond the buffer
    [InlineData("04 02 05 05")] // integer followed by extra bytes
    [InlineData("04 00")] // integer parameter with no value
    [InlineData("04 01 40")] // integer whose varint is cut short
    [InlineData("0c 01 00")] // disable_active_migration with a value
    [InlineData("0f 15 000000000000000000000000000000000000000000")] // connection ID of 21 bytes
    public void MalformedLengths_AreRejected(string hex) =>
        AssertInvalid(hex.StartsWith("0f", StringComparison.Ordinal) ? hex : Iscid + " " + hex, sentByServer: false);

    [Theory]
    [InlineData("03 02 44af")] // max_udp_payload_size 1199
    [InlineData("0a 01 15")] // ack_delay_exponent 21
    [InlineData("0b 04 80004000")] // max_ack_delay 2^14
    [InlineData("0e 01 01")] // active_connection_id_limit 1
    [InlineData("08 08 d000000000000001")] // initial_max_streams_bidi 2^60 + 1
    [InlineData("09 08 d000000000000001")] // initial_max_streams_uni 2^60 + 1
    public void ValuesOutOfRange_AreRejected(string hex) => AssertInvalid(Iscid + " " + hex, sentByServer: false);

    [Theory]
    [InlineData("03 02 44b0")] // max_udp_payload_size 1200
    [InlineData("0a 01 14")] // ack_delay_exponent 20
    [InlineData("0b 02 7fff")] // max_ack_delay 2^14 - 1
    [InlineData("0e 01 02")] // active_connection_id_limit 2
    [InlineData("08 08 d000000000000000")] // initial_max_streams_bidi 2^60
    public void ValuesAtTheLimit_AreAccepted(string hex) => Decode(Iscid + " " + hex, sentByServer: false);

    [Theory]
    [InlineData(Odcid)]
    [InlineData("02 10 00112233445566778899aabbccddeeff")]
    [InlineData("10 01 aa")]
    [InlineData("0d 2e 00000000 0000 00000000000000000000000000000000 0000 05 0102030405 00112233445566778899aabbccddeeff")]
    public void ServerOnlyParameter_FromAClient_IsRejected(string hex)
    {
        AssertInvalid(Iscid + " " + hex, sentByServer: false);
        Decode(Iscid + " " + (hex == Odcid ? string.Empty : Odcid + " ") + hex, sentByServer: true);
    }

    [Theory]
    [InlineData("02 0f 00112233445566778899aabbccddee")] // token of 15 bytes
    [InlineData("02 11 00112233445566778899aabbccddeeff00")] // token of 17 bytes
    [InlineData("0d 2d 00000000 0000 00000000000000000000000000000000 0000 05 0102030405 00112233445566778899aabbccdd")] // preferred_address too short
    [InlineData("0d 29 00000000 0000 00000000000000000000000000000000 0000 00 00112233445566778899aabbccddeeff")] // zero-length connection ID
    [InlineData("0d 2f 00000000 0000 00000000000000000000000000000000 0000 05 0102030405 00112233445566778899aabbccddeeff 00")] // trailing byte
    [InlineData("0d 3e 00000000 0000 00000000000000000000000000000000 0000 15 000000000000000000000000000000000000000000 00112233445566778899aabbccddeeff")] // connection ID of 21 bytes
    public void MalformedServerParameters_AreRejected(string hex) => AssertInvalid(Iscid + " " + Odcid + " " + hex, sentByServer: true);

    [Fact]
    public void PreferredAddress_WithAZeroLengthConnectionIdInUse_IsRejected() =>
        AssertInvalid("0f 00 " + Odcid + " 0d 2e 00000000 0000 00000000000000000000000000000000 0000 05 0102030405 00112233445566778899aabbccddeeff", sentByServer: true);

    [Fact]
    public void RequiredConnectionIds_MissingAreRejected()
    {
        AssertInvalid("04 01 05", sentByServer: false); // no initial_source_connection_id
        AssertInvalid(Iscid, sentByServer: true); // server without original_destination_connection_id
        AssertInvalid(string.Empty, sentByServer: false);
    }

    [Fact]
    public void UnknownParameters_AreKeptAndGreaseIsIgnored()
    {
        // 27 and 27 + 31 × 2 = 89 (0x59) are grease; 0x3e and a large extension id are unknown.
        TransportParameters p = Decode(Iscid + " 1b 02 abcd 4059 00 3e 01 07 c000000f739bbc1b 01 00", sentByServer: false);
        Assert.Equal(2, p.AdditionalParameters.Count);
        Assert.Equal(0x3eUL, p.AdditionalParameters[0].Id);
        Assert.Equal([7], p.AdditionalParameters[0].Value);
        Assert.Equal(0x0f739bbc1bUL, p.AdditionalParameters[1].Id);
        Assert.Equal([0], p.AdditionalParameters[1].Value);
    }

    [Theory]
    [InlineData(27UL, true)]
    [InlineData(58UL, true)]
    [InlineData(31UL * 1000 + 27, true)]
    [InlineData(26UL, false)]
    [InlineData(0x20UL, false)]
    public void IsReserved_MatchesThirtyOneNPlusTwentySeven(ulong id, bool reserved) =>
        Assert.Equal(reserved, TransportParameterId.IsReserved(id));

    [Fact]
    public void Encode_RefusesWhatAPeerWouldReject()
    {
        Assert.Throws<InvalidOperationException>(() => new TransportParameters { StatelessResetToken = new StatelessResetToken(Token) }.Encode(sentByServer: false));
        Assert.Throws<InvalidOperationException>(() => new TransportParameters { AckDelayExponent = 21 }.Encode(sentByServer: true));
        Assert.Throws<InvalidOperationException>(() => new TransportParameters { MaxUdpPayloadSize = 1000 }.Encode(sentByServer: true));
        Assert.Throws<InvalidOperationException>(() => new TransportParameters { ActiveConnectionIdLimit = 1 }.Encode(sentByServer: true));

        var collision = new TransportParameters();
        collision.AdditionalParameters.Add(new TransportParameter(TransportParameterId.InitialMaxData, [0]));
        Assert.Throws<InvalidOperationException>(() => collision.Encode(sentByServer: true));

        var twice = new TransportParameters();
        twice.AdditionalParameters.Add(new TransportParameter(0x3e, []));
        twice.AdditionalParameters.Add(new TransportParameter(0x3e, []));
        Assert.Throws<InvalidOperationException>(() => twice.Encode(sentByServer: true));
    }

    private static TransportParameters Decode(string hex, bool sentByServer) =>
        TransportParameters.Decode(FrameTestKit.Hex(hex), sentByServer);

    private static void AssertInvalid(string hex, bool sentByServer)
    {
        var error = Assert.Throws<QuicProtocolException>(() => Decode(hex, sentByServer));
        Assert.Equal(TransportErrorCode.TransportParameterError, error.ErrorCode);
    }
}
