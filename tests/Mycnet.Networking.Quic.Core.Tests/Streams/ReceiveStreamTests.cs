using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

public sealed class ReceiveStreamTests
{
    private const int Segment = 256;

    private static ReceiveStream NewStream(ulong window = 1 << 16, int maxFragments = 4096) =>
        new(1, new BufferSegmentPool(Segment, 64), new ReceiveWindow(window, window, autoTune: false), maxFragments);

    private static ReceiveWindow Connection(ulong window = 1 << 30) => new(window, window, autoTune: false);

    private static byte[] ReadAll(ReceiveStream s, ReceiveWindow connection, out StreamReadStatus last)
    {
        var output = new List<byte>();
        var buffer = new byte[97];
        while (true)
        {
            StreamReadResult r = s.Read(buffer, Instant.Zero, connection);
            output.AddRange(buffer.AsSpan(0, r.BytesRead).ToArray());
            if (r.Status != StreamReadStatus.Data)
            {
                last = r.Status;
                return [.. output];
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void RandomOutOfOrderOverlappingDuplicateChunks_ReassembleExactBytes(int seed)
    {
        var random = new Random(seed);
        byte[] payload = StreamTestSupport.Pattern(20_000 + random.Next(5000), seed);
        var chunks = new List<(int Offset, int Length)>();
        for (int offset = 0; offset < payload.Length;)
        {
            int length = Math.Min(payload.Length - offset, random.Next(1, 1500));
            chunks.Add((offset, length));
            offset += length;
        }

        // Overlapping re-cuts and exact duplicates of random spans.
        int partition = chunks.Count;
        for (int i = 0; i < partition; i++)
        {
            int start = random.Next(payload.Length);
            chunks.Add((start, Math.Min(payload.Length - start, random.Next(1, 3000))));
        }

        chunks.AddRange(chunks.GetRange(0, chunks.Count / 3));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunks));

        ReceiveStream s = NewStream(window: (ulong)payload.Length);
        ReceiveWindow connection = Connection();
        var output = new List<byte>();
        var buffer = new byte[700];
        foreach ((int offset, int length) in chunks)
        {
            bool fin = offset + length == payload.Length;
            s.OnData((ulong)offset, payload.AsSpan(offset, length), fin, connection);

            // Read as we go, sometimes.
            if (random.Next(4) == 0)
            {
                StreamReadResult r = s.Read(buffer, Instant.Zero, connection);
                output.AddRange(buffer.AsSpan(0, r.BytesRead).ToArray());
            }
        }

        output.AddRange(ReadAll(s, connection, out StreamReadStatus last));
        Assert.Equal(StreamReadStatus.Finished, last);
        Assert.Equal(payload, output.ToArray());
        Assert.Equal(ReceiveStreamState.DataRead, s.State);
        Assert.Equal((ulong)payload.Length, connection.Received);
        Assert.Equal((ulong)payload.Length, connection.Consumed);
        Assert.Equal(0, s.AllocatedBytes);
    }

    [Fact]
    public void FirstCopyOfAByteWins()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        s.OnData(0, [1, 2, 3], false, connection);
        s.OnData(1, [9, 9, 9, 4], false, connection);
        var buffer = new byte[10];
        StreamReadResult r = s.Read(buffer, Instant.Zero, connection);
        Assert.Equal([1, 2, 3, 9, 4], buffer.AsSpan(0, r.BytesRead).ToArray());
    }

    [Fact]
    public void States_RecvSizeKnownDataRecvdDataRead()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        Assert.Equal(ReceiveStreamState.Recv, s.State);
        s.OnData(10, new byte[10], fin: true, connection);
        Assert.Equal(ReceiveStreamState.SizeKnown, s.State);
        Assert.Equal(20UL, s.FinalSize);
        s.OnData(0, new byte[10], false, connection);
        Assert.Equal(ReceiveStreamState.DataRecvd, s.State);
        StreamReadResult r = s.Read(new byte[100], Instant.Zero, connection);
        Assert.Equal((20, StreamReadStatus.Finished), (r.BytesRead, r.Status));
        Assert.Equal(ReceiveStreamState.DataRead, s.State);
        Assert.Equal(StreamReadStatus.Finished, s.Read(new byte[1], Instant.Zero, connection).Status);
    }

    [Fact]
    public void ReadableSignal_FiresOncePerWait()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        Assert.False(s.OnData(5, new byte[5], false, connection));
        Assert.True(s.OnData(0, new byte[5], false, connection));
        Assert.False(s.OnData(10, new byte[5], false, connection));
        Assert.Equal(StreamReadStatus.Data, s.Read(new byte[100], Instant.Zero, connection).Status);
        Assert.True(s.OnData(15, new byte[1], false, connection));
        Assert.False(s.OnData(16, new byte[1], false, connection));
        Assert.Equal(StreamReadStatus.Blocked, s.Read([], Instant.Zero, connection).Status);
    }

    [Fact]
    public void FinalSize_ChangedByALaterFin_IsFinalSizeError()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        s.OnData(0, new byte[10], fin: true, connection);
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FinalSizeError, () => s.OnData(0, new byte[12], fin: true, connection));
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FinalSizeError, () => s.OnData(5, new byte[4], fin: true, connection));
    }

    [Fact]
    public void DataBeyondTheFinalSize_IsFinalSizeError()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        s.OnData(0, new byte[10], fin: true, connection);
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FinalSizeError, () => s.OnData(8, new byte[3], false, connection));
        s.OnData(8, new byte[2], false, connection);
    }

    [Fact]
    public void FinBelowDataAlreadyReceived_IsFinalSizeError()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        s.OnData(100, new byte[10], false, connection);
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FinalSizeError, () => s.OnData(0, new byte[50], fin: true, connection));
    }

    [Fact]
    public void ResetWithADifferentOrTooSmallFinalSize_IsFinalSizeError()
    {
        ReceiveStream known = NewStream();
        ReceiveWindow connection = Connection();
        known.OnData(0, new byte[10], fin: true, connection);
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FinalSizeError, () => known.OnReset(1, 11, connection));

        ReceiveStream partial = NewStream();
        partial.OnData(0, new byte[30], false, connection);
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FinalSizeError, () => partial.OnReset(1, 20, connection));
    }

    [Fact]
    public void DataBeyondTheStreamWindow_IsFlowControlError()
    {
        ReceiveStream s = NewStream(window: 1000);
        ReceiveWindow connection = Connection();
        s.OnData(0, new byte[1000], false, connection);
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FlowControlError, () => s.OnData(1000, new byte[1], false, connection));
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FlowControlError, () => NewStream(1000).OnReset(0, 1001, connection));
    }

    [Fact]
    public void DataBeyondTheConnectionWindow_IsFlowControlError_AcrossStreams()
    {
        ReceiveWindow connection = Connection(window: 1500);
        ReceiveStream a = NewStream();
        ReceiveStream b = NewStream();
        a.OnData(0, new byte[1000], false, connection);
        b.OnData(0, new byte[400], false, connection);

        // Retransmitted bytes do not count twice.
        a.OnData(0, new byte[1000], false, connection);
        Assert.Equal(1400UL, connection.Received);
        QuicProtocolException ex = StreamTestSupport.AssertProtocolError(TransportErrorCode.FlowControlError, () => b.OnData(400, new byte[101], false, connection));
        Assert.Equal(0x08UL, ex.FrameType);
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FlowControlError, () => a.OnReset(0, 1101, connection));
    }

    [Fact]
    public void DataPastTheLargestVarInt_IsFlowControlError()
    {
        ReceiveStream s = NewStream();
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FlowControlError, () => s.OnData(Core.Wire.VarInt.MaxValue - 1, new byte[2], false, Connection()));
    }

    [Fact]
    public void Reset_DiscardsData_ReturnsAllCredit_AndIsReadOnce()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        s.OnData(0, new byte[100], false, connection);
        s.OnData(500, new byte[100], false, connection);
        Assert.True(s.OnReset(9, 800, connection));
        Assert.Equal(ReceiveStreamState.ResetRecvd, s.State);
        Assert.Equal(800UL, connection.Received);
        Assert.Equal(800UL, connection.Consumed);
        Assert.Equal(0, s.AllocatedBytes);

        // Late data for the reset stream is checked against the final size and dropped.
        s.OnData(600, new byte[200], false, connection);
        StreamTestSupport.AssertProtocolError(TransportErrorCode.FinalSizeError, () => s.OnData(700, new byte[101], false, connection));

        StreamReadResult r = s.Read(new byte[10], Instant.Zero, connection);
        Assert.Equal((0, StreamReadStatus.Reset, 9UL), (r.BytesRead, r.Status, r.ErrorCode));
        Assert.Equal(ReceiveStreamState.ResetRead, s.State);
        Assert.False(s.OnReset(9, 800, connection));
    }

    [Fact]
    public void ResetAfterAllDataArrived_IsSuppressed_AndDataIsStillRead()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        s.OnData(0, [1, 2, 3], fin: true, connection);
        Assert.False(s.OnReset(5, 3, connection));
        Assert.Equal(ReceiveStreamState.DataRecvd, s.State);
        byte[] all = ReadAll(s, connection, out StreamReadStatus last);
        Assert.Equal([1, 2, 3], all);
        Assert.Equal(StreamReadStatus.Finished, last);
    }

    [Fact]
    public void Abandon_DropsBuffers_ReturnsCredit_AndCountsLaterData()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        s.OnData(0, new byte[300], false, connection);
        Assert.True(s.Abandon(4, connection));
        Assert.True(s.WantsStopSending);
        Assert.Equal(300UL, connection.Consumed);
        Assert.Equal(0, s.AllocatedBytes);
        Assert.Throws<InvalidOperationException>(() => s.Read(new byte[1], Instant.Zero, connection));

        s.OnData(300, new byte[200], false, connection);
        Assert.Equal(500UL, connection.Received);
        Assert.Equal(500UL, connection.Consumed);
        Assert.Equal(0, s.AllocatedBytes);

        s.OnData(500, new byte[10], fin: true, connection);
        Assert.Equal(ReceiveStreamState.DataRead, s.State);
        Assert.Equal(510UL, connection.Consumed);
        Assert.False(s.WantsStopSending);
    }

    [Fact]
    public void AbandonThenPeerReset_EndsInResetReadWithoutNotifying()
    {
        ReceiveStream s = NewStream();
        ReceiveWindow connection = Connection();
        s.OnData(0, new byte[10], false, connection);
        s.Abandon(1, connection);
        Assert.False(s.OnReset(1, 50, connection));
        Assert.Equal(ReceiveStreamState.ResetRead, s.State);
        Assert.Equal(50UL, connection.Consumed);
    }

    [Fact]
    public void Memory_NeverExceedsTheWindow_UnderRandomFramesWithinIt()
    {
        const ulong Window = 4000;
        var random = new Random(11);
        ReceiveStream s = NewStream(window: Window);
        ReceiveWindow connection = Connection();
        byte[] source = StreamTestSupport.Pattern(1 << 16, 3);
        long peakAllocated = 0;
        ulong peakBuffered = 0;
        for (int i = 0; i < 5000; i++)
        {
            // Half the frames land near the contiguous end so the reader advances; the rest anywhere in the window.
            ulong limit = s.Window.MaxAdvertised;
            ulong contiguousEnd = s.ReadOffset + s.ReadableBytes;
            ulong offset = random.Next(2) == 0
                ? Math.Max(s.ReadOffset, contiguousEnd - Math.Min(contiguousEnd, (ulong)random.Next(100)))
                : s.ReadOffset + (ulong)random.Next((int)(limit - s.ReadOffset));
            offset = Math.Min(offset, limit);
            int length = (int)Math.Min(limit - offset, (ulong)random.Next(1, 600));
            s.OnData(offset, source.AsSpan((int)(offset % 30000), length), false, connection);
            peakAllocated = Math.Max(peakAllocated, s.AllocatedBytes);
            peakBuffered = Math.Max(peakBuffered, s.BufferedBytes);
            if (random.Next(3) == 0)
            {
                s.Read(new byte[random.Next(1, 2000)], Instant.Zero, connection);
                if (s.Window.ShouldUpdate)
                {
                    s.Window.Advertise();
                }
            }
        }

        Assert.True(peakBuffered <= Window, $"buffered {peakBuffered} > window {Window}");
        long bound = ((((long)Window + Segment - 1) / Segment) + 1) * Segment;
        Assert.True(peakAllocated <= bound, $"allocated {peakAllocated} > window in whole segments + one segment ({bound})");
        Assert.True(s.ReadOffset > 10 * Window, "the reader should have advanced many windows");
    }

    [Fact]
    public void TooManyFragments_FailsTheConnection()
    {
        ReceiveStream s = NewStream(maxFragments: 8);
        ReceiveWindow connection = Connection();
        for (int i = 0; i < 8; i++)
        {
            s.OnData((ulong)(2 * i) + 1, new byte[1], false, connection);
        }

        StreamTestSupport.AssertProtocolError(TransportErrorCode.InternalError, () => s.OnData(100, new byte[1], false, connection));
    }
}
