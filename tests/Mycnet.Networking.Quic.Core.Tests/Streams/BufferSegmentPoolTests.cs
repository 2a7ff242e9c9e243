using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

public sealed class BufferSegmentPoolTests
{
    [Fact]
    public void WavesLargerThanMaxRetained_ReuseTheSameSegments()
    {
        var pool = new BufferSegmentPool(64, maxRetained: 4);
        var rented = new List<byte[]>();
        for (int i = 0; i < 1000; i++)
        {
            rented.Add(pool.Rent());
        }

        // Half the buffer drains (acknowledged or read): all of it stays for the next wave.
        var released = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < 500; i++)
        {
            released.Add(rented[i]);
            pool.Return(rented[i]);
        }

        Assert.Equal(500, pool.FreeCount);
        for (int i = 0; i < 500; i++)
        {
            Assert.Contains(pool.Rent(), released);
        }

        Assert.Equal(0, pool.FreeCount);
        Assert.Equal(1000, pool.RentedCount);
    }

    [Fact]
    public void BufferThatDrainsCompletely_RefillsFromSpareSegments()
    {
        var pool = new BufferSegmentPool(64, maxRetained: 4);
        var first = new List<byte[]>();
        for (int i = 0; i < 100; i++)
        {
            first.Add(pool.Rent());
        }

        foreach (byte[] segment in first)
        {
            pool.Return(segment);
        }

        // The reader drained everything; the next burst reuses all 100, up to the peak.
        Assert.Equal(100, pool.FreeCount);
        var second = new HashSet<byte[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < 100; i++)
        {
            second.Add(pool.Rent());
        }

        Assert.True(second.SetEquals(first));
    }

    [Fact]
    public void Trim_KeepsAtMostTheSegmentsInUseOrMaxRetained()
    {
        var pool = new BufferSegmentPool(64, maxRetained: 4);
        var rented = new Stack<byte[]>();
        for (int i = 0; i < 100; i++)
        {
            rented.Push(pool.Rent());
        }

        for (int i = 0; i < 90; i++)
        {
            pool.Return(rented.Pop());
        }

        Assert.Equal(90, pool.FreeCount);
        pool.Trim();
        Assert.Equal(10, pool.FreeCount);
        Assert.Equal(10, pool.PeakRentedCount);
        while (rented.TryPop(out byte[]? segment))
        {
            pool.Return(segment);
        }

        pool.Trim();
        Assert.Equal(4, pool.FreeCount);
        Assert.Equal(0, pool.PeakRentedCount);
    }

    [Fact]
    public void SteadyWaves_AllocateNothing()
    {
        var pool = new BufferSegmentPool(4096, maxRetained: 2);
        var rented = new Queue<byte[]>();
        for (int i = 0; i < 600; i++)
        {
            rented.Enqueue(pool.Rent());
        }

        void Wave()
        {
            for (int i = 0; i < 300; i++)
            {
                pool.Return(rented.Dequeue());
            }

            for (int i = 0; i < 300; i++)
            {
                rented.Enqueue(pool.Rent());
            }
        }

        Wave();
        Assert.Equal(0, AllocationMeter.SteadyStateBytes(() =>
        {
            for (int w = 0; w < 20; w++)
            {
                Wave();
            }
        }));
    }
}
