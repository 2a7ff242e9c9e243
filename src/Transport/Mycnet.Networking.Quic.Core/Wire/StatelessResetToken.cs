using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// A 16-byte stateless reset token (RFC 9000 §10.3), stored inline so that NEW_CONNECTION_ID frames and
/// token tables allocate nothing. Equality is constant-time (RFC 9000 §10.3.1 asks that the comparison
/// not leak timing information).
/// </summary>
internal readonly struct StatelessResetToken : IEquatable<StatelessResetToken>
{
    /// <summary>The token length in bytes.</summary>
    public const int Length = 16;

    private readonly Storage _bytes;

    /// <summary>Creates a token from exactly 16 bytes.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 16 bytes long.</exception>
    public StatelessResetToken(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A stateless reset token has {Length} bytes; got {bytes.Length}.", nameof(bytes));
        }

        bytes.CopyTo(_bytes);
    }

    /// <summary>The token bytes.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Span => MemoryMarshal.CreateReadOnlySpan(in _bytes[0], Length);

    /// <summary>Constant-time comparison with raw bytes (e.g. the last 16 bytes of a datagram).</summary>
    public bool Matches(ReadOnlySpan<byte> candidate) => CryptographicOperations.FixedTimeEquals(Span, candidate);

    /// <inheritdoc/>
    public bool Equals(StatelessResetToken other) => CryptographicOperations.FixedTimeEquals(Span, other.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StatelessResetToken other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    /// <summary>Lower-case hex.</summary>
    public override string ToString() => Convert.ToHexStringLower(Span);

    public static bool operator ==(StatelessResetToken left, StatelessResetToken right) => left.Equals(right);

    public static bool operator !=(StatelessResetToken left, StatelessResetToken right) => !left.Equals(right);

    [InlineArray(Length)]
    private struct Storage
    {
        private byte _element0;
    }
}
