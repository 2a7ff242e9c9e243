using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// Reassembles the incoming CRYPTO byte stream of one encryption level (RFC 9000 §7.5, §19.6).
/// </summary>
/// <remarks>
/// Out-of-order CRYPTO frames are kept until the gap before them fills; then the contiguous bytes
/// go to TLS. Buffering is bounded: data more than <see cref="MaxBufferedBytes"/> beyond what TLS
/// consumed is a CRYPTO_BUFFER_EXCEEDED error (§7.5 asks for at least 4096 bytes; certificate
/// chains make 64 KiB a practical floor).
/// </remarks>
internal sealed class CryptoReceiveBuffer
{
    /// <summary>How far beyond the delivered offset data may reach.</summary>
    public const int MaxBufferedBytes = 64 * 1024;

    private readonly RangeSet _received = new();
    private byte[] _window = [];
    private ulong _delivered;

    /// <summary>Bytes handed to TLS so far.</summary>
    public ulong DeliveredOffset => _delivered;

    /// <summary>The size of the reassembly window now allocated (at most <see cref="MaxBufferedBytes"/>).</summary>
    public int BufferCapacity => _window.Length;

    /// <summary>Drops the reassembly window once the level's keys are discarded (RFC 9001 §4.9): no more data arrives at it.</summary>
    public void Release()
    {
        _window = [];
        _received.Clear();
    }

    /// <summary>Stores a CRYPTO frame's data.</summary>
    /// <exception cref="QuicProtocolException">The data reaches too far ahead (CRYPTO_BUFFER_EXCEEDED).</exception>
    public void Add(ulong offset, ReadOnlySpan<byte> data)
    {
        ulong end = offset + (ulong)data.Length;
        if (end <= _delivered || data.IsEmpty)
        {
            return; // Entirely old: a retransmission.
        }

        if (end - _delivered > MaxBufferedBytes)
        {
            throw new QuicProtocolException(TransportErrorCode.CryptoBufferExceeded, $"CRYPTO data reaches {end - _delivered} bytes beyond the consumed offset.", 0x06);
        }

        if (offset < _delivered)
        {
            data = data[(int)(_delivered - offset)..];
            offset = _delivered;
        }

        int needed = (int)(end - _delivered);
        if (_window.Length < needed)
        {
            Array.Resize(ref _window, Math.Min(MaxBufferedBytes, Math.Max(needed, Math.Max(2048, _window.Length * 2))));
        }

        data.CopyTo(_window.AsSpan((int)(offset - _delivered)));
        _received.Add(offset, end);
    }

    /// <summary>The contiguous bytes ready for TLS; call <see cref="Consume"/> after handing them over.</summary>
    public ReadOnlySpan<byte> GetContiguous()
    {
        if (_received.IsEmpty)
        {
            return default;
        }

        ByteRange first = _received.First;
        return first.Start == _delivered ? _window.AsSpan(0, (int)first.Length) : default;
    }

    /// <summary>Marks <paramref name="count"/> contiguous bytes as delivered.</summary>
    public void Consume(int count)
    {
        if (count <= 0)
        {
            return;
        }

        _window.AsSpan(count).CopyTo(_window);
        _delivered += (ulong)count;
        _received.RemoveBelow(_delivered);
    }
}
