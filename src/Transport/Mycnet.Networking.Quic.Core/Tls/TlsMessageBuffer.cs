namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// Reassembles handshake messages from the in-order CRYPTO bytes of one encryption level
/// (RFC 9001 §4.1.3: TLS buffers in-order bytes, QUIC orders them). A message's declared length is
/// checked against <see cref="TlsLimits"/> as soon as its header is complete, so at most one bounded
/// partial message is ever held.
/// </summary>
internal sealed class TlsMessageBuffer
{
    private const int HeaderLength = 4;
    private byte[] _buffer = [];
    private int _start;
    private int _end;

    /// <summary>Bytes received and not yet returned as a message.</summary>
    public int BufferedLength => _end - _start;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (_buffer.Length - _end < data.Length)
        {
            int buffered = BufferedLength;
            if (_buffer.Length - buffered >= data.Length)
            {
                _buffer.AsSpan(_start, buffered).CopyTo(_buffer);
            }
            else
            {
                var grown = new byte[Math.Max(buffered + data.Length, _buffer.Length * 2)];
                _buffer.AsSpan(_start, buffered).CopyTo(grown);
                _buffer = grown;
            }

            _start = 0;
            _end = buffered;
        }

        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>
    /// Returns the next complete message (header included) when one is buffered. Throws
    /// <see cref="TlsAlertException"/> when a header declares a message longer than its limit.
    /// </summary>
    public bool TryRead(out TlsHandshakeType type, out byte[] message)
    {
        type = default;
        message = [];
        if (BufferedLength < HeaderLength)
        {
            return false;
        }

        ReadOnlySpan<byte> header = _buffer.AsSpan(_start, HeaderLength);
        type = (TlsHandshakeType)header[0];
        int length = (header[1] << 16) | (header[2] << 8) | header[3];
        int limit = TlsLimits.MaxMessageLength(type);
        if (length > limit)
        {
            throw new TlsAlertException(
                TlsAlert.DecodeError,
                $"A handshake message of type {(byte)type} declares {length} bytes; the limit is {limit}.");
        }

        if (BufferedLength < HeaderLength + length)
        {
            return false;
        }

        message = _buffer.AsSpan(_start, HeaderLength + length).ToArray();
        _start += HeaderLength + length;
        if (_start == _end)
        {
            _start = 0;
            _end = 0;
            if (_buffer.Length > TlsLimits.MaxHandshakeMessageLength)
            {
                _buffer = [];
            }
        }

        return true;
    }

    /// <summary>Drops everything buffered (when the handshake fails or completes).</summary>
    public void Clear()
    {
        _buffer = [];
        _start = 0;
        _end = 0;
    }
}
