using System.Numerics;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// Buffers for datagrams in flight, in power-of-two size classes from 64 B to 64 KiB. Single-threaded
/// (the simulator's loop); buffers are kept for the life of the network, so after warm-up a run
/// allocates nothing per datagram.
/// </summary>
internal sealed class DatagramPool
{
    public const int MaxLength = 1 << MaxShift;
    private const int MinShift = 6;
    private const int MaxShift = 16;

    private readonly Stack<byte[]>[] _buckets;

    public DatagramPool()
    {
        _buckets = new Stack<byte[]>[MaxShift - MinShift + 1];
        for (int i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Stack<byte[]>();
        }
    }

    public byte[] Rent(int length)
    {
        int bucket = BucketOf(length);
        return _buckets[bucket].TryPop(out byte[]? buffer) ? buffer : new byte[1 << (bucket + MinShift)];
    }

    public void Return(byte[] buffer) => _buckets[BucketOf(buffer.Length)].Push(buffer);

    private static int BucketOf(int length)
    {
        if (length <= 1 << MinShift)
        {
            return 0;
        }

        if (length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A datagram is at most 65536 bytes.");
        }

        return BitOperations.Log2((uint)length - 1) + 1 - MinShift;
    }
}
