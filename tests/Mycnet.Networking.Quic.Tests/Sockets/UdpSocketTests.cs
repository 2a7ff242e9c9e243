using System.Net;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Quic.Sockets;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Tests.Sockets;

/// <summary>The two I/O paths below the driver: batching, local addresses, ECN, allocation.</summary>
public sealed class UdpSocketTests
{
    [Fact]
    public void OffloadProbe_OnLinux_FindsTheNativeCalls()
    {
        Assert.Equal(OperatingSystem.IsLinux(), LinuxUdpOffload.IsNativeAvailable);
        Assert.False(string.IsNullOrEmpty(LinuxUdpOffload.Describe()));
    }

    [Theory]
    [InlineData(QuicUdpOffload.Auto)]
    [InlineData(QuicUdpOffload.Disabled)]
    public async Task Datagram_ToAWildcardSocket_ReportsTheAddressItArrivedOn(QuicUdpOffload offload)
    {
        using UdpSocket receiver = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Any, 0), offload, isListener: true);
        using UdpSocket sender = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), offload, isListener: false);
        var recorder = new RecordingReceiver(expectedBytes: 5);
        Task loop = receiver.RunReceiveLoopAsync(recorder);

        sender.Send("hello"u8, 0, sender.LocalEndPoint, new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port), EcnCodepoint.NotEct);
        await recorder.Complete.Guard();

        Received datagram = Assert.Single(recorder.Datagrams);
        Assert.Equal("hello"u8.ToArray(), datagram.Data);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port), datagram.Local);
        Assert.Equal(sender.LocalEndPoint, datagram.Remote);
        Assert.Equal(offload == QuicUdpOffload.Disabled ? "portable" : receiver.Description, receiver.Description);
        receiver.Dispose();
        await loop.Guard();
    }

    [Theory]
    [InlineData(QuicUdpOffload.Auto)]
    [InlineData(QuicUdpOffload.Disabled)]
    public async Task Send_FromAWildcardSocket_UsesTheSourceAddressTheEngineChose_WherePossible(QuicUdpOffload offload)
    {
        // Linux routes all of 127.0.0.0/8 to loopback, so 127.0.0.2 is a second local address.
        using UdpSocket receiver = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Disabled, isListener: true);
        using UdpSocket sender = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Any, 0), offload, isListener: false);
        var recorder = new RecordingReceiver(expectedBytes: 3);
        Task loop = receiver.RunReceiveLoopAsync(recorder);

        var chosen = new IPEndPoint(IPAddress.Parse("127.0.0.2"), sender.LocalEndPoint.Port);
        sender.Send("src"u8, 0, chosen, receiver.LocalEndPoint, EcnCodepoint.NotEct);
        await recorder.Complete.Guard();

        // The Linux path sets IP_PKTINFO on the send; plain socket calls leave the choice to the kernel.
        IPAddress expected = sender is LinuxUdpSocket ? chosen.Address : IPAddress.Loopback;
        Assert.Equal(expected, Assert.Single(recorder.Datagrams).Remote.Address);
        receiver.Dispose();
        await loop.Guard();
    }

    [Fact]
    public async Task GsoBatch_ArrivesAsTheSameDatagrams_WhateverTheKernelOffers()
    {
        using UdpSocket receiver = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: true);
        using UdpSocket sender = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: false);
        var recorder = new RecordingReceiver(expectedBytes: 9500);
        Task loop = receiver.RunReceiveLoopAsync(recorder);

        byte[] batch = new byte[9500];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = (byte)(i / 1000);
        }

        Assert.Equal(LinuxUdpOffload.IsGsoSupported ? 64 : 1, sender.MaxSegmentsPerSend);
        sender.Send(batch, 1000, sender.LocalEndPoint, receiver.LocalEndPoint, EcnCodepoint.NotEct);
        await recorder.Complete.Guard();

        // Split at the segment size, the ten datagrams come back in order, the last one short.
        List<byte[]> datagrams = recorder.Split();
        Assert.Equal(10, datagrams.Count);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(i == 9 ? 500 : 1000, datagrams[i].Length);
            Assert.All(datagrams[i], b => Assert.Equal(i, b));
        }

        if (receiver.ReceivesBatches && sender.MaxSegmentsPerSend > 1)
        {
            // GSO on the way out and GRO on the way in: one receive carried the whole batch.
            Assert.Equal(1000, Assert.Single(recorder.Datagrams).SegmentSize);
        }

        receiver.Dispose();
        await loop.Guard();
    }

    [Fact]
    public async Task EcnMark_IsCarriedByTheLinuxPath()
    {
        using UdpSocket receiver = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: true);
        using UdpSocket sender = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: false);
        var recorder = new RecordingReceiver(expectedBytes: 3);
        Task loop = receiver.RunReceiveLoopAsync(recorder);

        sender.Send("ect"u8, 0, sender.LocalEndPoint, receiver.LocalEndPoint, EcnCodepoint.Ect0);
        await recorder.Complete.Guard();

        EcnCodepoint expected = receiver is LinuxUdpSocket && sender is LinuxUdpSocket ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct;
        Assert.Equal(expected, Assert.Single(recorder.Datagrams).Ecn);
        receiver.Dispose();
        await loop.Guard();
    }

    [Fact]
    public async Task DualStackSocket_ReceivesIPv4_AsMappedAddresses()
    {
        using UdpSocket receiver = UdpSocketFactory.Create(new IPEndPoint(IPAddress.IPv6Any, 0), QuicUdpOffload.Auto, isListener: true);
        using UdpSocket sender = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Auto, isListener: false);
        var recorder = new RecordingReceiver(expectedBytes: 2);
        Task loop = receiver.RunReceiveLoopAsync(recorder);

        Assert.True(receiver.IsDualMode);
        sender.Send("v4"u8, 0, sender.LocalEndPoint, new IPEndPoint(IPAddress.Loopback, receiver.LocalEndPoint.Port), EcnCodepoint.NotEct);
        await recorder.Complete.Guard();

        Received datagram = Assert.Single(recorder.Datagrams);
        Assert.Equal(IPAddress.Loopback.MapToIPv6(), datagram.Remote.Address);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), receiver.LocalEndPoint.Port), datagram.Local);
        receiver.Dispose();
        await loop.Guard();
    }

    [Theory]
    [InlineData(QuicUdpOffload.Auto)]
    [InlineData(QuicUdpOffload.Disabled)]
    public void Send_InSteadyState_AllocatesNothing(QuicUdpOffload offload)
    {
        using UdpSocket sink = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), QuicUdpOffload.Disabled, isListener: false);
        using UdpSocket sender = UdpSocketFactory.Create(new IPEndPoint(IPAddress.Loopback, 0), offload, isListener: false);
        byte[] payload = new byte[1200];
        IPEndPoint local = sender.LocalEndPoint;
        IPEndPoint remote = sink.LocalEndPoint;
        for (int i = 0; i < 100; i++)
        {
            sender.Send(payload, 0, local, remote, EcnCodepoint.Ect0);
        }

        Assert.Equal(0, AllocationMeter.SteadyStateBytes(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                sender.Send(payload, 0, local, remote, EcnCodepoint.Ect0);
            }
        }));
    }

    private sealed record Received(byte[] Data, int SegmentSize, IPEndPoint Local, IPEndPoint Remote, EcnCodepoint Ecn);

    private sealed class RecordingReceiver(int expectedBytes) : IDatagramReceiver
    {
        private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Received> _datagrams = [];
        private int _bytes;

        public Task Complete => _complete.Task;

        public List<Received> Datagrams
        {
            get
            {
                lock (_datagrams)
                {
                    return [.. _datagrams];
                }
            }
        }

        public void OnDatagrams(Span<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
        {
            lock (_datagrams)
            {
                _datagrams.Add(new Received(data.ToArray(), segmentSize, local, remote, ecn));
                _bytes += data.Length;
                if (_bytes >= expectedBytes)
                {
                    _complete.TrySetResult();
                }
            }
        }

        public List<byte[]> Split()
        {
            var result = new List<byte[]>();
            foreach (Received received in Datagrams)
            {
                for (int offset = 0; offset < received.Data.Length; offset += received.SegmentSize)
                {
                    result.Add(received.Data[offset..Math.Min(received.Data.Length, offset + received.SegmentSize)]);
                }
            }

            return result;
        }
    }
}
