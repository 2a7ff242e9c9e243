using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Http3;

/// <summary>The connection-level streams (RFC 9114 §6.2, RFC 9204 §4.2) as our server sees a raw client.</summary>
public sealed class H3ControlStreamTests
{
    [Fact]
    public async Task Opens_control_stream_with_settings_first_and_empty_qpack_streams()
    {
        await using RawPeer peer = RawPeer.StartServer();
        Dictionary<byte, InMemoryQuicStream> streams = await peer.AcceptOurCriticalStreamsAsync();
        Assert.Equal(new byte[] { 0x00, 0x02, 0x03 }, streams.Keys.Order().ToArray());

        // The control stream's first frame is SETTINGS: no dynamic table, no blocked streams, our
        // field-section limit, and one GREASE setting.
        InMemoryQuicStream control = streams[0x00];
        byte[] head = await control.ReadExactlyAsync(2, CancellationToken.None).WaitAsync(RawPeer.Timeout);
        Assert.Equal(H3FrameType.Settings, head[0]);
        byte[] payload = await control.ReadExactlyAsync(head[1], CancellationToken.None).WaitAsync(RawPeer.Timeout);
        Assert.Equal(H3SettingsParseStatus.Ok, H3Settings.TryParse(payload, 64, out H3Settings settings, out _));
        Assert.Equal(0UL, settings.QpackMaxTableCapacity);
        Assert.Equal(0UL, settings.QpackBlockedStreams);
        Assert.Equal((ulong)RawPeer.Options.MaxFieldSectionSize, settings.MaxFieldSectionSize);
        Assert.Equal(1, settings.UnknownCount);

        // Critical streams stay open.
        Assert.False(streams[0x02].WritesCompleted);
        Assert.False(streams[0x03].WritesCompleted);
        Assert.False(control.WritesCompleted);
    }

    [Fact]
    public async Task Control_stream_not_starting_with_settings_is_h3_missing_settings()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenUniAsync([0x00, .. Wire.Frame(0x07, 0x00)]);
        Assert.Equal((long)H3ErrorCode.MissingSettings, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Second_settings_frame_is_h3_frame_unexpected()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync(Wire.Frame(0x04));
        Assert.Equal((long)H3ErrorCode.FrameUnexpected, await peer.ClosedAsync());
    }

    [Theory]
    [InlineData(0x02UL)]
    [InlineData(0x05UL)]
    [InlineData(0x00UL)]
    public Task Http2_settings_are_h3_settings_error(ulong id) => AssertControlPrefaceFailsAsync([0x00, .. Wire.Frame(0x04, Wire.SettingsPayload((id, 1)))], H3ErrorCode.SettingsError);

    [Fact]
    public Task Duplicate_setting_is_h3_settings_error() =>
        AssertControlPrefaceFailsAsync([0x00, .. Wire.Frame(0x04, Wire.SettingsPayload((0x06, 1), (0x06, 1)))], H3ErrorCode.SettingsError);

    [Fact]
    public Task Settings_payload_ending_inside_a_setting_is_h3_frame_error() =>
        AssertControlPrefaceFailsAsync([0x00, .. Wire.Frame(0x04, 0x06)], H3ErrorCode.FrameError);

    [Fact]
    public Task Oversized_settings_frame_is_h3_excessive_load() =>
        AssertControlPrefaceFailsAsync([0x00, .. Wire.Frame(0x04, new byte[RawPeer.Options.MaxSettingsFrameLength + 1])], H3ErrorCode.ExcessiveLoad);

    [Theory]
    [InlineData(0x00UL)] // DATA
    [InlineData(0x01UL)] // HEADERS
    [InlineData(0x05UL)] // PUSH_PROMISE
    [InlineData(0x02UL)] // HTTP/2 PRIORITY
    [InlineData(0x06UL)] // HTTP/2 PING
    [InlineData(0x08UL)] // HTTP/2 WINDOW_UPDATE
    [InlineData(0x09UL)] // HTTP/2 CONTINUATION
    public async Task Frames_not_allowed_on_the_control_stream_are_h3_frame_unexpected(ulong type)
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync(Wire.Frame(type, 0x00));
        Assert.Equal((long)H3ErrorCode.FrameUnexpected, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Unknown_and_reserved_frames_on_the_control_stream_are_skipped()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync(
            Wire.Frame(0x21, new byte[100]),
            Wire.Frame(0x1f * 1000 + 0x21),
            Wire.Frame(0x4242, new byte[70_000]),
            Wire.Frame(0x0d, 0x05),
            Wire.Frame(0x07, 0x00));
        await peer.AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Second_control_stream_is_h3_stream_creation_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync();
        await peer.OpenControlAsync();
        Assert.Equal((long)H3ErrorCode.StreamCreationError, await peer.ClosedAsync());
    }

    [Theory]
    [InlineData((byte)0x00, false)]
    [InlineData((byte)0x00, true)]
    [InlineData((byte)0x02, false)]
    [InlineData((byte)0x02, true)]
    [InlineData((byte)0x03, false)]
    [InlineData((byte)0x03, true)]
    public async Task Closing_or_resetting_a_critical_stream_is_h3_closed_critical_stream(byte type, bool reset)
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream stream = type == 0x00 ? await peer.OpenControlAsync() : await peer.OpenUniAsync(type);

        // A reset before the stream type is read is tolerated (§6.2); let the server read it first.
        await stream.WhenConsumedAsync().WaitAsync(RawPeer.Timeout);
        if (reset)
        {
            stream.AbortWrite(0x100);
        }
        else
        {
            stream.CompleteWrites();
        }

        Assert.Equal((long)H3ErrorCode.ClosedCriticalStream, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Second_qpack_encoder_stream_is_h3_stream_creation_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenUniAsync(0x02);
        await peer.OpenUniAsync(0x02);
        Assert.Equal((long)H3ErrorCode.StreamCreationError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Encoder_stream_may_set_capacity_zero()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync();
        await peer.OpenUniAsync(0x02, 0x20, 0x20);
        await peer.OpenUniAsync(0x03);
        await peer.AssertServerStillServesAsync();
    }

    [Theory]
    [InlineData(new byte[] { 0x21 })] // Set Dynamic Table Capacity 1
    [InlineData(new byte[] { 0x3f, 0xe1, 0x1f })] // Set Dynamic Table Capacity 4096
    [InlineData(new byte[] { 0xc0, 0x01, 0x61 })] // Insert with static name reference
    [InlineData(new byte[] { 0x41, 0x61, 0x01, 0x62 })] // Insert with literal name
    [InlineData(new byte[] { 0x00 })] // Duplicate
    public async Task Encoder_instructions_that_need_a_table_are_qpack_encoder_stream_error(byte[] instruction)
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenUniAsync([0x02, .. instruction]);
        Assert.Equal((long)H3ErrorCode.QpackEncoderStreamError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Decoder_stream_may_cancel_streams()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync();
        await peer.OpenUniAsync(0x03, 0x40, 0x44, 0x7f, 0x10);
        await peer.AssertServerStillServesAsync();
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })] // Section Acknowledgment for stream 0
    [InlineData(new byte[] { 0x01 })] // Insert Count Increment 1
    [InlineData(new byte[] { 0x00 })] // Insert Count Increment 0
    public async Task Decoder_instructions_about_a_table_are_qpack_decoder_stream_error(byte[] instruction)
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenUniAsync([0x03, .. instruction]);
        Assert.Equal((long)H3ErrorCode.QpackDecoderStreamError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Overlong_instruction_integer_is_a_stream_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenUniAsync([0x03, 0x7f, .. Enumerable.Repeat((byte)0xff, 12)]);
        Assert.Equal((long)H3ErrorCode.QpackDecoderStreamError, await peer.ClosedAsync());
    }

    [Theory]
    [InlineData(0x21UL)]
    [InlineData(0x54UL)]
    [InlineData(0x1f * 77UL + 0x21)]
    public async Task Unknown_stream_types_are_stopped_with_h3_stream_creation_error(ulong type)
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync();
        InMemoryQuicStream unknown = await peer.OpenUniAsync([.. Wire.VarInt(type), 1, 2, 3]);
        await peer.AssertServerStillServesAsync();
        Assert.Equal((long)H3ErrorCode.StreamCreationError, unknown.PeerStopCode);
    }

    [Fact]
    public async Task Stream_closed_before_its_type_is_tolerated()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync();
        InMemoryQuicStream empty = peer.Raw.OpenStream(bidirectional: false);
        empty.CompleteWrites();
        InMemoryQuicStream halfType = await peer.OpenUniAsync(0x40);
        halfType.CompleteWrites();
        await peer.AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Push_stream_from_a_client_is_h3_stream_creation_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenUniAsync(0x01, 0x00);
        Assert.Equal((long)H3ErrorCode.StreamCreationError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Max_push_id_must_not_decrease()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync(Wire.Frame(0x0d, 10), Wire.Frame(0x0d, 9));
        Assert.Equal((long)H3ErrorCode.IdError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Cancel_push_for_a_push_never_promised_is_h3_id_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync(Wire.Frame(0x03, 0));
        Assert.Equal((long)H3ErrorCode.IdError, await peer.ClosedAsync());
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x00 })]
    [InlineData(new byte[] { 0x40 })]
    [InlineData(new byte[] { })]
    public async Task Goaway_with_a_payload_other_than_one_varint_is_h3_frame_error(byte[] payload)
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenControlAsync(Wire.Frame(0x07, payload));
        Assert.Equal((long)H3ErrorCode.FrameError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Control_stream_ending_inside_a_frame_is_h3_frame_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream control = await peer.OpenControlAsync([0x21, 0x05, 0x01]);
        control.CompleteWrites();
        Assert.Equal((long)H3ErrorCode.FrameError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Server_initiated_bidirectional_stream_is_h3_stream_creation_error_at_a_client()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        peer.Raw.OpenStream(bidirectional: true);
        Assert.Equal((long)H3ErrorCode.StreamCreationError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Push_stream_at_a_client_that_allowed_no_push_is_h3_id_error()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        await peer.OpenUniAsync(0x01, 0x00);
        Assert.Equal((long)H3ErrorCode.IdError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Max_push_id_from_a_server_is_h3_frame_unexpected()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        await peer.OpenControlAsync(Wire.Frame(0x0d, 0));
        Assert.Equal((long)H3ErrorCode.FrameUnexpected, await peer.ClosedAsync());
    }

    [Theory]
    [InlineData(new ulong[] { 1 })] // not a client-initiated bidirectional stream id
    [InlineData(new ulong[] { 2 })]
    [InlineData(new ulong[] { 4, 8 })] // increasing
    public async Task Bad_goaway_ids_at_a_client_are_h3_id_error(ulong[] ids)
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        await peer.OpenControlAsync(ids.Select(id => Wire.Frame(0x07, Wire.VarInt(id))).ToArray());
        Assert.Equal((long)H3ErrorCode.IdError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Goaway_at_a_client_stops_new_requests()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        await peer.OpenControlAsync(Wire.Frame(0x07, 4));
        H3Client client = peer.Client!;
        Assert.Equal(4UL, await client.Connection.FirstGoAway.WaitAsync(RawPeer.Timeout));
        H3StreamException e = await Assert.ThrowsAsync<H3StreamException>(() => client.GetAsync("/", null, CancellationToken.None));
        Assert.Equal(H3ErrorCode.RequestRejected, e.ErrorCode);
        Assert.False(peer.Raw.IsClosed);
    }

    [Fact]
    public async Task Goaway_ids_may_decrease()
    {
        // Frames on the control stream are handled in order: the MAX_PUSH_ID after the two GOAWAYs
        // closes the connection with its own error, so the decrease from 8 to 4 was accepted.
        await using RawPeer peer = await RawPeer.StartClientAsync();
        await peer.OpenControlAsync(Wire.Frame(0x07, 8), Wire.Frame(0x07, 4), Wire.Frame(0x0d, 0));
        Assert.Equal((long)H3ErrorCode.FrameUnexpected, await peer.ClosedAsync());
        Assert.Equal(4UL, peer.Client!.Connection.GoAwayReceived);
    }

    private static async Task AssertControlPrefaceFailsAsync(byte[] preface, H3ErrorCode expected)
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.OpenUniAsync(preface);
        Assert.Equal((long)expected, await peer.ClosedAsync());
    }
}
