using System.Net;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Quic.Sockets;

namespace Mycnet.Networking.Quic.Tests.Sockets;

/// <summary>The Linux receive reactor: readiness without .NET's event loop, re-arming, and closing sockets safely.</summary>
public sealed class LinuxReceiveReactorTests
{
    [Fact]
    public void Reactor_RunsOnLinux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), LinuxReceiveReactor.IsAvailable);
    }

    [Fact]
    public async Task ManyBurstsSeparatedByIdleTime_AreAllReceived()
    {
        // Each burst needs the one-shot interest re-armed after the previous drain.
        using UdpSocket receiver = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: true);
        using UdpSocket sender = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: false);
        var counter = new CountingReceiver();
        Task loop = receiver.RunReceiveLoopAsync(counter);
        for (int burst = 1; burst <= 50; burst++)
        {
            for (int i = 0; i < 3; i++)
            {
                sender.Send(new byte[100], 0, sender.LocalEndPoint, receiver.LocalEndPoint, EcnCodepoint.NotEct);
            }

            await counter.WaitForAsync(burst * 300).Guard();
        }

        receiver.Dispose();
        await loop.Guard();
    }

    [Fact]
    public async Task SocketsOpenedAndClosedInTurn_EachReceivesAndEachLoopEnds()
    {
        // Descriptor numbers are reused as sockets close: a stale registration must never capture
        // the next socket's readiness, and every loop must end when its socket is disposed.
        using UdpSocket sender = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: false);
        for (int round = 0; round < 100; round++)
        {
            UdpSocket receiver = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: round % 2 == 0);
            var counter = new CountingReceiver();
            Task loop = receiver.RunReceiveLoopAsync(counter);
            sender.Send(new byte[10], 0, sender.LocalEndPoint, receiver.LocalEndPoint, EcnCodepoint.NotEct);
            await counter.WaitForAsync(10).Guard();
            receiver.Dispose();
            await loop.Guard();
        }
    }

    [Fact]
    public async Task Dispose_WithoutTraffic_EndsTheLoop()
    {
        UdpSocket receiver = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: false);
        Task loop = receiver.RunReceiveLoopAsync(new CountingReceiver());
        receiver.Dispose();
        await loop.Guard();
        Assert.True(loop.IsCompletedSuccessfully);
    }

    private sealed class CountingReceiver : IDatagramReceiver
    {
        private readonly Lock _gate = new();
        private readonly List<(int Bytes, TaskCompletionSource Signal)> _waiters = [];
        private int _bytes;

        public Task WaitForAsync(int bytes)
        {
            lock (_gate)
            {
                if (_bytes >= bytes)
                {
                    return Task.CompletedTask;
                }

                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((bytes, signal));
                return signal.Task;
            }
        }

        public void OnDatagrams(Span<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
        {
            lock (_gate)
            {
                _bytes += data.Length;
                _waiters.RemoveAll(w =>
                {
                    if (w.Bytes > _bytes)
                    {
                        return false;
                    }

                    w.Signal.TrySetResult();
                    return true;
                });
            }
        }
    }
}
