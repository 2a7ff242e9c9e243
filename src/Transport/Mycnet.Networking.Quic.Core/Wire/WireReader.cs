using System.Buffers.Binary;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// A forward-only reader over received bytes. Every read is a Try: a short buffer returns false
/// and leaves the position unchanged, so parsers fail cleanly on truncated input and never throw.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public WireReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet consumed.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>Whether every byte has been consumed.</summary>
    public readonly bool IsEnd => _position == _buffer.Length;

    /// <summary>The bytes not yet consumed.</summary>
    public readonly ReadOnlySpan<byte> RemainingSpan => _buffer[_position..];

    /// <summary>The whole buffer the reader was created over.</summary>
    public readonly ReadOnlySpan<byte> Buffer => _buffer;

    public bool TryReadByte(out byte value)
    {
        if (_position >= _buffer.Length)
        {
            value = 0;
            return false;
        }

        value = _buffer[_position++];
        return true;
    }

    public readonly bool TryPeekByte(out byte value)
    {
        if (_position >= _buffer.Length)
        {
            value = 0;
            return false;
        }

        value = _buffer[_position];
        return true;
    }

    public bool TryReadUInt16(out ushort value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(_buffer[_position..]);
        _position += 2;
        return true;
    }

    /// <summary>Reads a 24-bit big-endian integer (TLS handshake message lengths).</summary>
    public bool TryReadUInt24(out uint value)
    {
        if (Remaining < 3)
        {
            value = 0;
            return false;
        }

        value = ((uint)_buffer[_position] << 16) | ((uint)_buffer[_position + 1] << 8) | _buffer[_position + 2];
        _position += 3;
        return true;
    }

    public bool TryReadUInt32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(_buffer[_position..]);
        _position += 4;
        return true;
    }

    public bool TryReadUInt64(out ulong value)
    {
        if (Remaining < 8)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt64BigEndian(_buffer[_position..]);
        _position += 8;
        return true;
    }

    /// <summary>Reads a QUIC variable-length integer (RFC 9000 §16).</summary>
    public bool TryReadVarInt(out ulong value)
    {
        if (!VarInt.TryRead(_buffer[_position..], out value, out int length))
        {
            return false;
        }

        _position += length;
        return true;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; false when fewer remain or count is negative.</summary>
    public bool TryReadBytes(int count, out ReadOnlySpan<byte> bytes)
    {
        if (count < 0 || count > Remaining)
        {
            bytes = default;
            return false;
        }

        bytes = _buffer.Slice(_position, count);
        _position += count;
        return true;
    }

    /// <summary>Reads a byte count as a variable-length integer, then that many bytes.</summary>
    public bool TryReadVarIntLengthPrefixed(out ReadOnlySpan<byte> bytes)
    {
        int start = _position;
        if (!TryReadVarInt(out ulong length) || length > (ulong)Remaining)
        {
            _position = start;
            bytes = default;
            return false;
        }

        return TryReadBytes((int)length, out bytes);
    }

    /// <summary>Reads a one-byte length, then that many bytes (TLS opaque&lt;0..2^8-1&gt;).</summary>
    public bool TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> bytes)
    {
        int start = _position;
        if (!TryReadByte(out byte length) || !TryReadBytes(length, out bytes))
        {
            _position = start;
            bytes = default;
            return false;
        }

        return true;
    }

    /// <summary>Reads a two-byte length, then that many bytes (TLS opaque&lt;0..2^16-1&gt;).</summary>
    public bool TryReadUInt16LengthPrefixed(out ReadOnlySpan<byte> bytes)
    {
        int start = _position;
        if (!TryReadUInt16(out ushort length) || !TryReadBytes(length, out bytes))
        {
            _position = start;
            bytes = default;
            return false;
        }

        return true;
    }

    /// <summary>Reads a three-byte length, then that many bytes (TLS opaque&lt;0..2^24-1&gt;).</summary>
    public bool TryReadUInt24LengthPrefixed(out ReadOnlySpan<byte> bytes)
    {
        int start = _position;
        if (!TryReadUInt24(out uint length) || length > int.MaxValue || !TryReadBytes((int)length, out bytes))
        {
            _position = start;
            bytes = default;
            return false;
        }

        return true;
    }

    /// <summary>Skips <paramref name="count"/> bytes; false when fewer remain.</summary>
    public bool TrySkip(int count)
    {
        if (count < 0 || count > Remaining)
        {
            return false;
        }

        _position += count;
        return true;
    }
}
