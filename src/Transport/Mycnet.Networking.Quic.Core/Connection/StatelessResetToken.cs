using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core;

/// <summary>A 16-byte stateless reset token (RFC 9000 §10.3), held by value.</summary>
internal readonly struct StatelessResetToken : IEquatable<StatelessResetToken>
{
    public const int Length = 16;

    private readonly ulong _high;
    private readonly ulong _low;

    public StatelessResetToken(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException("A stateless reset token has exactly 16 bytes.", nameof(bytes));
        }

        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Length];
        CopyTo(bytes);
        return bytes;
    }

    /// <summary>Compares with the last 16 bytes of a datagram in constant time (RFC 9000 §10.3.1).</summary>
    public bool FixedTimeEquals(ReadOnlySpan<byte> candidate)
    {
        if (candidate.Length != Length)
        {
            return false;
        }

        Span<byte> mine = stackalloc byte[Length];
        CopyTo(mine);
        return CryptographicOperations.FixedTimeEquals(mine, candidate);
    }

    public bool Equals(StatelessResetToken other) => _high == other._high && _low == other._low;

    public override bool Equals(object? obj) => obj is StatelessResetToken other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_high, _low);

    public override string ToString() => _high.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + _low.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    public static bool operator ==(StatelessResetToken left, StatelessResetToken right) => left.Equals(right);

    public static bool operator !=(StatelessResetToken left, StatelessResetToken right) => !left.Equals(right);
}
