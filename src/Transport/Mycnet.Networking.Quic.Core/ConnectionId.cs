using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// A QUIC connection ID (RFC 9000 §5.1): 0 to 20 bytes, stored inline so that parsing a packet
/// and looking up its connection allocates nothing. Equality and hashing are by value; the hash
/// uses <see cref="HashCode"/>, which is randomized per process, so peers cannot aim collisions
/// at a routing table.
/// </summary>
public readonly struct ConnectionId : IEquatable<ConnectionId>
{
    /// <summary>The maximum length of a connection ID in QUIC v1 (RFC 9000 §17.2).</summary>
    public const int MaxLength = 20;

    /// <summary>The zero-length connection ID.</summary>
    public static readonly ConnectionId Empty;

    private readonly Storage _bytes;
    private readonly byte _length;

    /// <summary>Creates a connection ID from its bytes.</summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxLength"/> bytes.</exception>
    public ConnectionId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxLength)
        {
            throw new ArgumentException($"A connection ID has at most {MaxLength} bytes; got {bytes.Length}.", nameof(bytes));
        }

        _length = (byte)bytes.Length;
        bytes.CopyTo(_bytes);
    }

    /// <summary>The length in bytes.</summary>
    public int Length => _length;

    /// <summary>Whether this is the zero-length connection ID.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>The bytes of the connection ID.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Span => MemoryMarshal.CreateReadOnlySpan(in _bytes[0], _length);

    /// <summary>Tries to create a connection ID; fails when <paramref name="bytes"/> is longer than 20.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out ConnectionId id)
    {
        if (bytes.Length > MaxLength)
        {
            id = default;
            return false;
        }

        id = new ConnectionId(bytes);
        return true;
    }

    /// <summary>Copies the bytes into <paramref name="destination"/> and returns the length.</summary>
    public int CopyTo(Span<byte> destination)
    {
        Span.CopyTo(destination);
        return _length;
    }

    /// <summary>Returns the bytes as a new array.</summary>
    public byte[] ToArray() => Span.ToArray();

    /// <inheritdoc/>
    public bool Equals(ConnectionId other) => Span.SequenceEqual(other.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ConnectionId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    /// <summary>Lower-case hex, as qlog and logs print connection IDs.</summary>
    public override string ToString() => Convert.ToHexStringLower(Span);

    public static bool operator ==(ConnectionId left, ConnectionId right) => left.Equals(right);

    public static bool operator !=(ConnectionId left, ConnectionId right) => !left.Equals(right);

    [InlineArray(MaxLength)]
    private struct Storage
    {
        private byte _element0;
    }
}
