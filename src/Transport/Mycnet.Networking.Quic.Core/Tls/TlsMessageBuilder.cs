using System.Buffers.Binary;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// A growable big-endian writer for handshake messages, with back-patched length prefixes for TLS
/// vectors (RFC 9846 §3.4). The handshake is not a hot path, so messages are built into fresh arrays.
/// Overflowing a vector's length prefix is a programming error (the options bound every input) and throws.
/// </summary>
internal sealed class TlsMessageBuilder
{
    private byte[] _buffer;
    private int _length;

    public TlsMessageBuilder(int capacity = 256)
    {
        _buffer = new byte[Math.Max(capacity, 16)];
    }

    public void WriteByte(byte value) => Reserve(1)[0] = value;

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Reserve(2), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>Writes a one-byte length and the bytes (opaque&lt;0..2^8-1&gt;).</summary>
    public void WriteVector8(ReadOnlySpan<byte> bytes)
    {
        Mark mark = BeginVector(1);
        WriteBytes(bytes);
        EndVector(mark);
    }

    /// <summary>Writes a two-byte length and the bytes (opaque&lt;0..2^16-1&gt;).</summary>
    public void WriteVector16(ReadOnlySpan<byte> bytes)
    {
        Mark mark = BeginVector(2);
        WriteBytes(bytes);
        EndVector(mark);
    }

    /// <summary>Writes a three-byte length and the bytes (opaque&lt;0..2^24-1&gt;).</summary>
    public void WriteVector24(ReadOnlySpan<byte> bytes)
    {
        Mark mark = BeginVector(3);
        WriteBytes(bytes);
        EndVector(mark);
    }

    /// <summary>Reserves a length prefix of <paramref name="lengthBytes"/> (1, 2 or 3) bytes to patch in <see cref="EndVector"/>.</summary>
    public Mark BeginVector(int lengthBytes)
    {
        if (lengthBytes is < 1 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(lengthBytes), lengthBytes, "TLS vector lengths take 1, 2 or 3 bytes.");
        }

        Reserve(lengthBytes).Clear();
        return new Mark(_length, lengthBytes);
    }

    /// <summary>Patches the length prefix reserved by <see cref="BeginVector"/> with the bytes written since.</summary>
    public void EndVector(Mark mark)
    {
        int length = _length - mark.Start;
        int max = (1 << (8 * mark.LengthBytes)) - 1;
        if (length > max)
        {
            throw new InvalidOperationException($"A TLS vector of {length} bytes does not fit a {mark.LengthBytes}-byte length.");
        }

        Span<byte> prefix = _buffer.AsSpan(mark.Start - mark.LengthBytes, mark.LengthBytes);
        for (int i = mark.LengthBytes - 1; i >= 0; i--)
        {
            prefix[i] = (byte)length;
            length >>= 8;
        }
    }

    /// <summary>Writes a handshake message header (type and a 24-bit length to patch with <see cref="EndVector"/>).</summary>
    public Mark BeginMessage(TlsHandshakeType type)
    {
        WriteByte((byte)type);
        return BeginVector(3);
    }

    /// <summary>Writes one extension: type, then its data as opaque&lt;0..2^16-1&gt;.</summary>
    public void WriteExtension(TlsExtensionType type, ReadOnlySpan<byte> data)
    {
        WriteUInt16((ushort)type);
        WriteVector16(data);
    }

    /// <summary>Begins one extension whose data the caller writes; close it with <see cref="EndVector"/>.</summary>
    public Mark BeginExtension(TlsExtensionType type)
    {
        WriteUInt16((ushort)type);
        return BeginVector(2);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <summary>The position after a reserved length prefix, and the prefix's size.</summary>
    internal readonly record struct Mark(int Start, int LengthBytes);
}
