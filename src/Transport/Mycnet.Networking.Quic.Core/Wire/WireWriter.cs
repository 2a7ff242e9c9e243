using System.Buffers.Binary;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// A forward-only writer into a caller-provided buffer. Callers size their output first (every
/// wire type has a length method), so running out of room is a programming error and throws.
/// </summary>
internal ref struct WireWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public WireWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>Room left.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> Written => _buffer[.._position];

    /// <summary>The unwritten rest of the buffer, for writers that fill it directly and then <see cref="Advance"/>.</summary>
    public readonly Span<byte> Free => _buffer[_position..];

    public void Advance(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new InvalidOperationException($"Cannot advance {count} bytes with {Remaining} left.");
        }

        _position += count;
    }

    public void WriteByte(byte value)
    {
        EnsureRoom(1);
        _buffer[_position++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        EnsureRoom(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], value);
        _position += 2;
    }

    /// <summary>Writes a 24-bit big-endian integer (TLS handshake message lengths).</summary>
    public void WriteUInt24(uint value)
    {
        if (value > 0xFFFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A 24-bit integer holds at most 2^24 - 1.");
        }

        EnsureRoom(3);
        _buffer[_position] = (byte)(value >> 16);
        _buffer[_position + 1] = (byte)(value >> 8);
        _buffer[_position + 2] = (byte)value;
        _position += 3;
    }

    public void WriteUInt32(uint value)
    {
        EnsureRoom(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void WriteUInt64(ulong value)
    {
        EnsureRoom(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer[_position..], value);
        _position += 8;
    }

    /// <summary>Writes the shortest variable-length encoding of <paramref name="value"/>.</summary>
    public void WriteVarInt(ulong value) => _position += VarInt.Write(_buffer[_position..], value);

    /// <summary>Writes <paramref name="value"/> as a variable-length integer of exactly <paramref name="length"/> bytes.</summary>
    public void WriteVarInt(ulong value, int length) => _position += VarInt.WriteWithLength(_buffer[_position..], value, length);

    public void WriteBytes(scoped ReadOnlySpan<byte> bytes)
    {
        EnsureRoom(bytes.Length);
        bytes.CopyTo(_buffer[_position..]);
        _position += bytes.Length;
    }

    /// <summary>Writes a variable-length integer byte count, then the bytes.</summary>
    public void WriteVarIntLengthPrefixed(scoped ReadOnlySpan<byte> bytes)
    {
        WriteVarInt((ulong)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>Writes <paramref name="count"/> zero bytes (PADDING frames are zeros).</summary>
    public void WriteZeros(int count)
    {
        EnsureRoom(count);
        _buffer.Slice(_position, count).Clear();
        _position += count;
    }

    private readonly void EnsureRoom(int count)
    {
        if (count > Remaining)
        {
            throw new InvalidOperationException($"The output buffer has {Remaining} bytes left; {count} are needed.");
        }
    }
}
