using Mycnet.Networking.Quic.Core.Wire;

using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// Derives the stateless reset token of a connection ID from one static key (RFC 9000 §10.3.2):
/// token = HMAC-SHA256(key, connection ID) truncated to 16 bytes. An endpoint that lost a
/// connection's state can still compute the token from the DCID of a packet it cannot place, so it
/// can send a stateless reset. Immutable and thread-safe.
/// </summary>
internal sealed class StatelessResetTokenGenerator
{
    /// <summary>The length of a stateless reset token.</summary>
    public const int TokenLength = 16;

    private readonly byte[] _key;

    public StatelessResetTokenGenerator(ReadOnlySpan<byte> key)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("The stateless reset key must have at least 16 bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>A generator with a fresh random key.</summary>
    public static StatelessResetTokenGenerator CreateRandom(IRandomSource random)
    {
        Span<byte> key = stackalloc byte[32];
        random.Fill(key);
        return new StatelessResetTokenGenerator(key);
    }

    /// <summary>Computes the token for <paramref name="connectionId"/> into <paramref name="token"/> (16 bytes).</summary>
    public void Compute(ReadOnlySpan<byte> connectionId, Span<byte> token)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, connectionId, mac);
        mac[..TokenLength].CopyTo(token);
    }

    /// <summary>Computes the token for <paramref name="connectionId"/>.</summary>
    public StatelessResetToken Compute(ConnectionId connectionId)
    {
        Span<byte> token = stackalloc byte[TokenLength];
        Compute(connectionId.Span, token);
        return new StatelessResetToken(token);
    }
}
