using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

public sealed class SendStreamTests
{
    private const ulong Unlimited = 1UL << 40;

    private static SendStream NewStream(int bufferLimit = 1 << 20, ulong credit = Unlimited, int segmentSize = 256) =>
        new(0, new BufferSegmentPool(segmentSize, 64), bufferLimit, credit);

    private static StreamChunk Next(SendStream s, int max = 1000, ulong connectionCredit = Unlimited)
    {
        Assert.True(s.TryGetNextChunk(max, connectionCredit, out StreamChunk chunk, out _));
        return chunk;
    }

    [Fact]
    public void HappyPath_GoesReadySendDataSentDataRecvd()
    {
        SendStream s = NewStream();
        Assert.Equal(SendStreamState.Ready, s.State);
        s.Write(new byte[1500]);
        StreamChunk first = Next(s);
        Assert.Equal(SendStreamState.Send, s.State);
        Assert.Equal((0UL, 1000, false), (first.Offset, first.Length, first.Fin));
        s.Finish();
        StreamChunk second = Next(s);
        Assert.Equal((1000UL, 500, true), (second.Offset, second.Length, second.Fin));
        Assert.Equal(SendStreamState.DataSent, s.State);
        Assert.False(s.TryGetNextChunk(1000, Unlimited, out _, out _));

        Assert.False(s.OnAcked(1000, 500, fin: true, out _));
        Assert.Equal(SendStreamState.DataSent, s.State);
        Assert.True(s.OnAcked(0, 1000, fin: false, out _));
        Assert.Equal(SendStreamState.DataRecvd, s.State);
        Assert.True(s.IsTerminal);
        Assert.Equal(0, s.AllocatedBytes);
    }

    [Fact]
    public void FinishWithoutData_SendsALoneFin()
    {
        SendStream s = NewStream();
        s.Finish();
        StreamChunk fin = Next(s);
        Assert.Equal((0UL, 0, true), (fin.Offset, fin.Length, fin.Fin));
        Assert.Equal(SendStreamState.DataSent, s.State);
        Assert.True(s.OnAcked(0, 0, fin: true, out _));
        Assert.Equal(SendStreamState.DataRecvd, s.State);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Reset_FromReadySendOrDataSent_GoesResetSentThenResetRecvd(int sentBeforeReset)
    {
        SendStream s = NewStream();
        s.Write(new byte[300]);
        if (sentBeforeReset >= 1)
        {
            Next(s, 100);
        }

        if (sentBeforeReset >= 2)
        {
            s.Finish();
            Next(s, 1000);
            Assert.Equal(SendStreamState.DataSent, s.State);
        }

        Assert.True(s.Reset(7));
        Assert.Equal(SendStreamState.ResetSent, s.State);
        Assert.Equal(7UL, s.ResetErrorCode);
        Assert.Equal(sentBeforeReset switch { 0 => 0UL, 1 => 100UL, _ => 300UL }, s.ResetFinalSize);
        Assert.Equal(0, s.AllocatedBytes);
        Assert.False(s.TryGetNextChunk(1000, Unlimited, out _, out _));
        Assert.False(s.Reset(8));
        s.OnResetAcked();
        Assert.Equal(SendStreamState.ResetRecvd, s.State);
        Assert.True(s.IsTerminal);
    }

    [Fact]
    public void Reset_AfterAllDataAcked_IsANoOp()
    {
        SendStream s = NewStream();
        s.Write(new byte[10]);
        s.Finish();
        StreamChunk c = Next(s);
        s.OnAcked(c.Offset, c.Length, c.Fin, out _);
        Assert.False(s.Reset(1));
        Assert.Equal(SendStreamState.DataRecvd, s.State);
    }

    [Fact]
    public void StopSending_ResetsWithThePeersCode()
    {
        SendStream s = NewStream();
        s.Write(new byte[10]);
        Next(s);
        Assert.True(s.OnStopSending(42));
        Assert.True(s.StopRequested);
        Assert.Equal(SendStreamState.ResetSent, s.State);
        Assert.Equal(42UL, s.ResetErrorCode);
        Assert.Equal(10UL, s.ResetFinalSize);
    }

    [Fact]
    public void WriteAfterFinishOrReset_AndDoubleFinish_AreApplicationErrors()
    {
        SendStream s = NewStream();
        s.Finish();
        Assert.Throws<InvalidOperationException>(() => s.Write(new byte[1]));
        Assert.Throws<InvalidOperationException>(() => s.Finish());

        SendStream r = NewStream();
        r.Reset(1);
        Assert.Throws<InvalidOperationException>(() => r.Write(new byte[1]));
        Assert.Throws<InvalidOperationException>(() => r.Finish());
    }

    [Fact]
    public void BufferLimit_AcceptsOnlyWhatFits_AndAcksMakeRoom()
    {
        SendStream s = NewStream(bufferLimit: 1000);
        Assert.Equal(1000, s.Write(new byte[1500]));
        Assert.True(s.WriteBlocked);
        Assert.Equal(0, s.Write(new byte[10]));
        Assert.Equal(1000UL, s.BufferedBytes);
        Assert.True(s.AllocatedBytes <= 1000 + 256);

        StreamChunk c = Next(s, 600);
        s.OnAcked(c.Offset, c.Length, c.Fin, out bool writable);
        Assert.True(writable);
        Assert.False(s.WriteBlocked);
        Assert.Equal(400UL, s.BufferedBytes);
        Assert.Equal(600, s.Write(new byte[700]));
        Assert.Equal(1000UL, s.BufferedBytes);
    }

    [Fact]
    public void AckedPrefix_ReleasesSegments_OutOfOrderAcksWaitForThePrefix()
    {
        SendStream s = NewStream(segmentSize: 256);
        s.Write(new byte[1024]);
        StreamChunk a = Next(s, 512);
        StreamChunk b = Next(s, 512);
        Assert.Equal(1024, s.AllocatedBytes);
        s.OnAcked(b.Offset, b.Length, false, out _);
        Assert.Equal(0UL, s.AckedOffset);
        Assert.Equal(1024, s.AllocatedBytes);
        s.OnAcked(a.Offset, a.Length, false, out _);
        Assert.Equal(1024UL, s.AckedOffset);
        Assert.Equal(0, s.AllocatedBytes);
    }

    [Fact]
    public void LostRanges_AreResentBeforeNewData_LowestFirst_WithoutCredit()
    {
        SendStream s = NewStream(credit: 3000);
        byte[] data = StreamTestSupport.Pattern(4000, 1);
        s.Write(data);
        StreamChunk c0 = Next(s, 1000);
        StreamChunk c1 = Next(s, 1000);
        StreamChunk c2 = Next(s, 1000);
        Assert.False(s.TryGetNextChunk(1000, Unlimited, out _, out _));
        Assert.Equal(0UL, s.StreamCredit);

        s.OnLost(c2.Offset, c2.Length, false);
        s.OnLost(c0.Offset, c0.Length, false);
        s.OnAcked(c1.Offset, c1.Length, false, out _);
        Assert.True(s.HasRetransmission);

        Assert.True(s.TryGetNextChunk(600, Unlimited, out StreamChunk r0, out ulong newBytes));
        Assert.Equal(0UL, newBytes);
        Assert.True(r0.IsRetransmission);
        Assert.Equal((0UL, 600), (r0.Offset, r0.Length));
        StreamChunk r1 = Next(s, 1000);
        Assert.Equal((600UL, 400), (r1.Offset, r1.Length));
        StreamChunk r2 = Next(s, 5000);
        Assert.Equal((2000UL, 1000), (r2.Offset, r2.Length));

        var copy = new byte[1000];
        s.CopyData(r2.Offset, copy);
        Assert.Equal(data.AsSpan(2000, 1000).ToArray(), copy);
        Assert.False(s.TryGetNextChunk(1000, Unlimited, out _, out _));
    }

    [Fact]
    public void LostRange_SkipsBytesAckedMeanwhile()
    {
        SendStream s = NewStream();
        s.Write(new byte[3000]);
        Next(s, 3000);
        s.OnAcked(1000, 1000, false, out _);
        s.OnLost(0, 3000, false);
        Assert.Equal(2000UL, s.RetransmitBytes);
        StreamChunk first = Next(s, 3000);
        Assert.Equal((0UL, 1000), (first.Offset, first.Length));
        StreamChunk second = Next(s, 3000);
        Assert.Equal((2000UL, 1000), (second.Offset, second.Length));
    }

    [Fact]
    public void LostFin_IsResent_AloneOrOnTheLastRetransmission()
    {
        SendStream s = NewStream();
        s.Write(new byte[100]);
        s.Finish();
        StreamChunk c = Next(s);
        Assert.True(c.Fin);

        // Data and FIN lost together: the FIN rides on the retransmission that reaches the end.
        s.OnLost(c.Offset, c.Length, fin: true);
        StreamChunk r = Next(s, 60);
        Assert.False(r.Fin);
        StreamChunk last = Next(s, 60);
        Assert.Equal((60UL, 40, true), (last.Offset, last.Length, last.Fin));

        // Only the FIN lost (the data was acked): a zero-length frame at the final size.
        s.OnAcked(0, 60, false, out _);
        s.OnAcked(60, 40, false, out _);
        s.OnLost(60, 40, fin: true);
        StreamChunk fin = Next(s);
        Assert.Equal((100UL, 0, true), (fin.Offset, fin.Length, fin.Fin));
        Assert.True(s.OnAcked(100, 0, fin: true, out _));
    }

    [Fact]
    public void NewData_IsLimitedByStreamAndConnectionCredit()
    {
        SendStream s = NewStream(credit: 500);
        s.Write(new byte[2000]);
        Assert.True(s.TryGetNextChunk(1000, 300, out StreamChunk c, out ulong newBytes));
        Assert.Equal((300, 300UL), (c.Length, newBytes));
        c = Next(s, 1000);
        Assert.Equal(200, c.Length);
        Assert.True(s.IsBlockedByStreamCredit);
        Assert.True(s.TrySignalBlocked());
        Assert.False(s.TrySignalBlocked());
        Assert.False(s.OnMaxStreamData(400));
        Assert.True(s.OnMaxStreamData(900));
        Assert.False(s.IsBlockedByStreamCredit);
        Assert.Equal(400, Next(s, 1000).Length);
        Assert.True(s.TrySignalBlocked());
    }

    [Fact]
    public void AckOrLossOfNeverSentBytes_IsRejected()
    {
        SendStream s = NewStream();
        s.Write(new byte[100]);
        Next(s, 50);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.OnAcked(0, 80, false, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.OnLost(0, 50, fin: true));
    }
}
