using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

public sealed class ReceiveWindowTests
{
    private static readonly TimeSpan Rtt = TimeSpan.FromMilliseconds(100);

    private static Instant Ms(double ms) => Instant.FromTimeSpan(TimeSpan.FromMilliseconds(ms));

    [Fact]
    public void Update_IsDueOnceHalfTheWindowIsConsumed()
    {
        var w = new ReceiveWindow(1000, 1000, autoTune: false);
        w.RecordReceived(1000, 0);
        w.OnConsumed(499, Ms(0));
        Assert.False(w.ShouldUpdate);
        w.OnConsumed(1, Ms(0));
        Assert.True(w.ShouldUpdate);
        Assert.True(w.Update(Ms(0), Rtt));
        Assert.Equal(1500UL, w.MaxAdvertised);
        Assert.False(w.ShouldUpdate);
    }

    [Fact]
    public void ReceivingPastTheAdvertisedLimit_IsFlowControlError()
    {
        var w = new ReceiveWindow(1000, 1000, autoTune: false);
        w.RecordReceived(1000, 0);
        QuicProtocolException ex = StreamTestSupport.AssertProtocolError(TransportErrorCode.FlowControlError, () => w.RecordReceived(1001, 0x08));
        Assert.Equal(0x08UL, ex.FrameType);
    }

    [Fact]
    public void FastConsumption_DoublesTheWindow_UpToTheCap()
    {
        var w = new ReceiveWindow(1000, 4000, autoTune: true);
        double t = 0;
        ulong consumed = 0;
        var windows = new List<ulong>();
        for (int i = 0; i < 12; i++)
        {
            // Consume half a window every 10 ms with a 100 ms RTT: a window lasts far less than 2 RTTs.
            ulong half = w.Window / 2;
            consumed += half;
            w.RecordReceived(consumed, 0);
            w.OnConsumed(half, Ms(t));
            if (w.ShouldUpdate)
            {
                w.Update(Ms(t), Rtt);
            }

            windows.Add(w.Window);
            t += 10;
        }

        Assert.Equal(4000UL, w.Window);
        Assert.Contains(2000UL, windows);
        Assert.True(w.MaxAdvertised >= w.Consumed + 2000);
    }

    [Fact]
    public void SlowConsumption_KeepsTheWindow()
    {
        var w = new ReceiveWindow(1000, 64_000, autoTune: true);
        ulong consumed = 0;
        for (int i = 0; i < 50; i++)
        {
            // 100 bytes every 25 ms: a whole window takes 250 ms, more than 2 RTTs (200 ms).
            consumed += 100;
            w.RecordReceived(consumed, 0);
            w.OnConsumed(100, Ms(i * 25));
            if (w.ShouldUpdate)
            {
                w.Update(Ms(i * 25), Rtt);
            }
        }

        Assert.Equal(1000UL, w.Window);
        Assert.Equal(5000UL, consumed);
        Assert.True(w.MaxAdvertised >= 5000 + 500, "credit is still advertised");
    }

    [Fact]
    public void WithoutAutoTuning_TheWindowNeverGrows()
    {
        var w = new ReceiveWindow(1000, 64_000, autoTune: false);
        for (int i = 1; i <= 20; i++)
        {
            w.RecordReceived((ulong)i * 500, 0);
            w.OnConsumed(500, Ms(i));
            w.Update(Ms(i), Rtt);
        }

        Assert.Equal(1000UL, w.Window);
    }

    [Fact]
    public void FirstRead_DoesNotCountAsFast()
    {
        // A reader that drains a whole window in one read after a long wait has shown no rate yet.
        var w = new ReceiveWindow(1000, 64_000, autoTune: true);
        w.RecordReceived(1000, 0);
        w.OnConsumed(1000, Ms(5000));
        Assert.True(w.ShouldUpdate);
        w.Update(Ms(5000), Rtt);
        Assert.Equal(1000UL, w.Window);
    }
}
