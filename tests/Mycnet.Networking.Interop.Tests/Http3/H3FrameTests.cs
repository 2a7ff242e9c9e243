using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Http3;

public sealed class H3FrameTests
{
    [Fact]
    public void Frame_header_parses_a_known_encoding()
    {
        // HEADERS (0x01) with a two-byte varint length 0x4123 = 291.
        Assert.True(H3FrameHeader.TryParse(Hex.Parse("01 4123 ff"), out H3FrameHeader header, out int consumed));
        Assert.Equal(new H3FrameHeader(0x01, 0x123), header);
        Assert.Equal(3, consumed);
    }

    [Fact]
    public void Frame_header_fails_on_every_truncated_prefix()
    {
        byte[] encoded = new byte[H3FrameHeader.MaxEncodedLength];
        var header = new H3FrameHeader(0x3fff_ffff_ffff_ffff, 0x3fff_ffff_ffff_ffff);
        Assert.Equal(16, header.Write(encoded));
        for (int cut = 0; cut < encoded.Length; cut++)
        {
            Assert.False(H3FrameHeader.TryParse(encoded.AsSpan(0, cut), out _, out int consumed));
            Assert.Equal(0, consumed);
        }
    }

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(0x21UL, 63UL)]
    [InlineData(0x07UL, 64UL)]
    [InlineData(0x1f * 1000UL + 0x21, 1UL << 40)]
    public void Frame_header_round_trips_with_its_computed_length(ulong type, ulong length)
    {
        var header = new H3FrameHeader(type, length);
        byte[] buffer = new byte[header.EncodedLength];
        Assert.Equal(buffer.Length, header.Write(buffer));
        Assert.True(H3FrameHeader.TryParse(buffer, out H3FrameHeader parsed, out int consumed));
        Assert.Equal(header, parsed);
        Assert.Equal(buffer.Length, consumed);
    }

    [Fact]
    public void Settings_round_trip_and_ignore_unknown_identifiers()
    {
        var settings = new H3Settings { QpackMaxTableCapacity = 0, QpackBlockedStreams = 0, MaxFieldSectionSize = 65536, Grease = (0x1f * 7 + 0x21, 99) };
        byte[] frame = new byte[settings.GetFrameLength()];
        Assert.Equal(frame.Length, settings.WriteFrame(frame));
        Assert.True(H3FrameHeader.TryParse(frame, out H3FrameHeader header, out int consumed));
        Assert.Equal(H3FrameType.Settings, header.Type);
        Assert.Equal((ulong)settings.GetPayloadLength(), header.Length);

        Assert.Equal(H3SettingsParseStatus.Ok, H3Settings.TryParse(frame.AsSpan(consumed), 64, out H3Settings parsed, out _));
        Assert.Equal(0UL, parsed.QpackMaxTableCapacity);
        Assert.Equal(0UL, parsed.QpackBlockedStreams);
        Assert.Equal(65536UL, parsed.MaxFieldSectionSize);
        Assert.Equal(1, parsed.UnknownCount);
    }

    [Fact]
    public void Settings_parse_a_peer_encoding()
    {
        // QPACK_MAX_TABLE_CAPACITY=4096, QPACK_BLOCKED_STREAMS=100, MAX_FIELD_SECTION_SIZE absent.
        byte[] payload = Wire.SettingsPayload((0x01, 4096), (0x07, 100));
        Assert.Equal(H3SettingsParseStatus.Ok, H3Settings.TryParse(payload, 64, out H3Settings parsed, out _));
        Assert.Equal(4096UL, parsed.QpackMaxTableCapacity);
        Assert.Equal(100UL, parsed.QpackBlockedStreams);
        Assert.Null(parsed.MaxFieldSectionSize);
    }

    [Theory]
    [InlineData(0x00UL)]
    [InlineData(0x02UL)]
    [InlineData(0x03UL)]
    [InlineData(0x04UL)]
    [InlineData(0x05UL)]
    public void Settings_reject_http2_identifiers(ulong id)
    {
        Assert.Equal(H3SettingsParseStatus.SettingsError, H3Settings.TryParse(Wire.SettingsPayload((id, 1)), 64, out _, out string? error));
        Assert.Contains("HTTP/2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_reject_duplicates_truncation_and_too_many()
    {
        Assert.Equal(H3SettingsParseStatus.SettingsError, H3Settings.TryParse(Wire.SettingsPayload((0x06, 1), (0x06, 2)), 64, out _, out _));
        byte[] good = Wire.SettingsPayload((0x06, 1000));
        for (int cut = 1; cut < good.Length; cut++)
        {
            Assert.Equal(H3SettingsParseStatus.FrameError, H3Settings.TryParse(good.AsSpan(0, cut), 64, out _, out _));
        }

        (ulong, ulong)[] many = Enumerable.Range(0, 9).Select(i => ((ulong)(0x21 + (0x1f * i)), 0UL)).ToArray();
        Assert.Equal(H3SettingsParseStatus.TooMany, H3Settings.TryParse(Wire.SettingsPayload(many), 8, out _, out _));
        Assert.Equal(H3SettingsParseStatus.Ok, H3Settings.TryParse(Wire.SettingsPayload(many[..8]), 8, out _, out _));
    }

    [Fact]
    public void Id_frames_carry_exactly_one_varint()
    {
        byte[] frame = new byte[H3IdFrame.GetFrameLength(H3FrameType.GoAway, 1000)];
        Assert.Equal(frame.Length, H3IdFrame.Write(frame, H3FrameType.GoAway, 1000));
        Assert.Equal(Hex.Parse("07 02 43e8"), frame);
        Assert.True(H3IdFrame.TryParsePayload(Hex.Parse("43e8"), out ulong id));
        Assert.Equal(1000UL, id);
        Assert.False(H3IdFrame.TryParsePayload(Hex.Parse("43"), out _));
        Assert.False(H3IdFrame.TryParsePayload(Hex.Parse("43e8 00"), out _));
        Assert.False(H3IdFrame.TryParsePayload([], out _));
    }

    [Fact]
    public void Grease_values_follow_0x1f_n_plus_0x21()
    {
        Assert.True(H3FrameType.IsGrease(0x21));
        Assert.True(H3FrameType.IsGrease(0x40));
        Assert.True(H3FrameType.IsGrease(0x1f * 12345UL + 0x21));
        Assert.False(H3FrameType.IsGrease(0x20));
        Assert.False(H3FrameType.IsGrease(0x41));
    }
}
