using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// QUIC variable-length integers (RFC 9000 §16): the two high bits of the first byte give the
/// length (1, 2, 4 or 8 bytes); the rest is the value in network byte order, up to 2^62 - 1.
/// </summary>
internal static class VarInt
{
    /// <summary>The largest value a variable-length integer can carry: 2^62 - 1.</summary>
    public const ulong MaxValue = (1UL << 62) - 1;

    /// <summary>The number of bytes the shortest encoding of <paramref name="value"/> takes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value exceeds <see cref="MaxValue"/>.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetLength(ulong value)
    {
        if (value < 64)
        {
            return 1;
        }

        if (value < 16384)
        {
            return 2;
        }

        if (value < 1073741824)
        {
            return 4;
        }

        if (value <= MaxValue)
        {
            return 8;
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, "A QUIC variable-length integer holds at most 2^62 - 1.");
    }

    /// <summary>The encoded length announced by a first byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GetLengthFromFirstByte(byte first) => 1 << (first >> 6);

    /// <summary>Reads one variable-length integer from the start of <paramref name="source"/>.</summary>
    /// <returns>False when <paramref name="source"/> is shorter than the announced length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int length)
    {
        if (source.IsEmpty)
        {
            value = 0;
            length = 0;
            return false;
        }

        byte first = source[0];
        length = GetLengthFromFirstByte(first);
        if (source.Length < length)
        {
            value = 0;
            length = 0;
            return false;
        }

        switch (length)
        {
            case 1:
                value = first;
                break;
            case 2:
                value = BinaryPrimitives.ReadUInt16BigEndian(source) & 0x3FFFu;
                break;
            case 4:
                value = BinaryPrimitives.ReadUInt32BigEndian(source) & 0x3FFFFFFFu;
                break;
            default:
                value = BinaryPrimitives.ReadUInt64BigEndian(source) & 0x3FFFFFFFFFFFFFFFUL;
                break;
        }

        return true;
    }

    /// <summary>Writes the shortest encoding of <paramref name="value"/> and returns its length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value exceeds <see cref="MaxValue"/>.</exception>
    /// <exception cref="ArgumentException">The destination is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> destination, ulong value) => WriteWithLength(destination, value, GetLength(value));

    /// <summary>
    /// Writes <paramref name="value"/> in exactly <paramref name="length"/> bytes (1, 2, 4 or 8), as
    /// needed for a placeholder such as the Length field of a long header that is filled in last.
    /// </summary>
    public static int WriteWithLength(Span<byte> destination, ulong value, int length)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is too short for the variable-length integer.", nameof(destination));
        }

        switch (length)
        {
            case 1 when value < 64:
                destination[0] = (byte)value;
                return 1;
            case 2 when value < 16384:
                BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(value | 0x4000u));
                return 2;
            case 4 when value < 1073741824:
                BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)value | 0x80000000u);
                return 4;
            case 8 when value <= MaxValue:
                BinaryPrimitives.WriteUInt64BigEndian(destination, value | 0xC000000000000000UL);
                return 8;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Cannot encode {value} as a variable-length integer of {length} bytes.");
        }
    }
}
