using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Mycnet.Networking.Protocols.Nodes;

/// <summary>
/// A node's identity: 128 bits, written on the wire as a 16-byte MessagePack binary and shown as 32 lowercase
/// hex digits. Ordered (big-endian byte order), so ties between two nodes can be broken deterministically.
/// </summary>
public readonly struct NodeId : IEquatable<NodeId>, IComparable<NodeId>
{
    /// <summary>The length of a node id in bytes.</summary>
    public const int Length = 16;

    private readonly ulong _high;
    private readonly ulong _low;

    /// <summary>Creates a node id from exactly 16 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 16 bytes long.</exception>
    public NodeId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A node id is {Length} bytes, not {bytes.Length}.", nameof(bytes));
        }

        _high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
    }

    /// <summary>Creates a node id from its two 64-bit halves.</summary>
    public NodeId(ulong high, ulong low)
    {
        _high = high;
        _low = low;
    }

    /// <summary>The all-zero id, which no node may use.</summary>
    public static NodeId Empty => default;

    /// <summary>Whether this is the all-zero id.</summary>
    public bool IsEmpty => _high == 0 && _low == 0;

    /// <summary>A new random id from the cryptographic random source.</summary>
    public static NodeId NewId()
    {
        Span<byte> bytes = stackalloc byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return new NodeId(bytes);
    }

    /// <summary>Parses 32 hex digits.</summary>
    /// <exception cref="FormatException">The text is not 32 hex digits.</exception>
    public static NodeId Parse(string text) =>
        TryParse(text, out NodeId id) ? id : throw new FormatException($"A node id is 32 hex digits; '{text}' is not.");

    /// <summary>Tries to parse 32 hex digits.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out NodeId id)
    {
        if (text.Length == 2 * Length
            && ulong.TryParse(text[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong high)
            && ulong.TryParse(text[16..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong low))
        {
            id = new NodeId(high, low);
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>Writes the 16 bytes of the id.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than 16 bytes.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"A node id needs {Length} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _high);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _low);
    }

    /// <inheritdoc />
    public bool Equals(NodeId other) => _high == other._high && _low == other._low;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_high, _low);

    /// <inheritdoc />
    public int CompareTo(NodeId other)
    {
        int c = _high.CompareTo(other._high);
        return c != 0 ? c : _low.CompareTo(other._low);
    }

    /// <summary>32 lowercase hex digits.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_high:x16}{_low:x16}");

    /// <summary>Equality.</summary>
    public static bool operator ==(NodeId left, NodeId right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(NodeId left, NodeId right) => !left.Equals(right);

    /// <summary>Ordering.</summary>
    public static bool operator <(NodeId left, NodeId right) => left.CompareTo(right) < 0;

    /// <summary>Ordering.</summary>
    public static bool operator >(NodeId left, NodeId right) => left.CompareTo(right) > 0;

    /// <summary>Ordering.</summary>
    public static bool operator <=(NodeId left, NodeId right) => left.CompareTo(right) <= 0;

    /// <summary>Ordering.</summary>
    public static bool operator >=(NodeId left, NodeId right) => left.CompareTo(right) >= 0;
}
