namespace Mycnet.Networking.Quic.Driver;

/// <summary>
/// Buffers for datagrams that wait in a connection's queue: the receive loop rents, the
/// connection's worker (another thread) returns. Two sizes — one datagram, or a GRO batch of up to
/// 64 KiB — each a bounded stack under a lock, so a steady flow reuses the same arrays instead of
/// allocating (the shared array pool keeps little for buffers that change threads).
/// </summary>
internal sealed class InboundBufferPool
{
    private const int SmallSize = 2048;
    private const int LargeSize = 65536;
    private const int MaxSmall = 256;
    private const int MaxLarge = 64;

    private readonly Lock _gate = new();
    private readonly Stack<byte[]> _small = new();
    private readonly Stack<byte[]> _large = new();

    /// <summary>An array of at least <paramref name="length"/> bytes.</summary>
    public byte[] Rent(int length)
    {
        if (length > LargeSize)
        {
            return new byte[length];
        }

        bool small = length <= SmallSize;
        lock (_gate)
        {
            if ((small ? _small : _large).TryPop(out byte[]? array))
            {
                return array;
            }
        }

        return GC.AllocateUninitializedArray<byte>(small ? SmallSize : LargeSize);
    }

    /// <summary>Takes an array back (arrays of other sizes, or beyond the bound, are left to the GC).</summary>
    public void Return(byte[] array)
    {
        lock (_gate)
        {
            if (array.Length == SmallSize && _small.Count < MaxSmall)
            {
                _small.Push(array);
            }
            else if (array.Length == LargeSize && _large.Count < MaxLarge)
            {
                _large.Push(array);
            }
        }
    }
}
