using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// Mints and checks the tokens a server uses to validate client addresses (RFC 9000 §8.1).
/// </summary>
/// <remarks>
/// A token is AES-256-GCM sealed with a key only this endpoint knows, so a client can neither read
/// nor forge one (§8.1.4). The sealed plaintext holds a kind byte (Retry or NEW_TOKEN, §8.1.1),
/// the time it was issued, the client's IP address and — for Retry tokens — its port, the
/// original Destination Connection ID, and the Retry packet's Source Connection ID, which the
/// server must echo in its transport parameters (§7.3). Retry tokens live seconds (they are used
/// once, right away); NEW_TOKEN tokens live longer and are bound to the address only, since the
/// client's port changes between connections. Layout: nonce (12) || ciphertext || tag (16).
/// Not thread-safe: the owning endpoint serialises calls.
/// </remarks>
internal sealed class AddressValidationTokens : IDisposable
{
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int MaxPlaintext = 1 + 8 + 1 + 16 + 2 + 1 + ConnectionId.MaxLength + 1 + ConnectionId.MaxLength;

    /// <summary>The largest token this class mints; longer received tokens are rejected without decrypting.</summary>
    public const int MaxTokenLength = NonceLength + MaxPlaintext + TagLength;

    private readonly AesGcm _aead;
    private readonly IRandomSource _random;

    public AddressValidationTokens(IRandomSource random, ReadOnlySpan<byte> key = default)
    {
        _random = random;
        if (key.IsEmpty)
        {
            Span<byte> generated = stackalloc byte[32];
            random.Fill(generated);
            _aead = new AesGcm(generated, TagLength);
        }
        else
        {
            _aead = new AesGcm(key, TagLength);
        }
    }

    /// <summary>How long a Retry token is accepted after it was issued.</summary>
    public TimeSpan RetryTokenLifetime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a NEW_TOKEN token is accepted after it was issued.</summary>
    public TimeSpan NewTokenLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Mints a Retry token for a client at <paramref name="client"/>.</summary>
    public byte[] CreateRetryToken(Instant now, IPEndPoint client, ConnectionId originalDestination, ConnectionId retrySource) =>
        Seal(TokenKind.Retry, now, client, originalDestination, retrySource);

    /// <summary>Mints a token to send in a NEW_TOKEN frame (RFC 9000 §8.1.3).</summary>
    public byte[] CreateNewToken(Instant now, IPEndPoint client) =>
        Seal(TokenKind.NewToken, now, client, ConnectionId.Empty, ConnectionId.Empty);

    /// <summary>Checks a token from a client Initial.</summary>
    /// <returns>The verdict; for a valid Retry token, also the connection IDs it carries.</returns>
    public TokenValidation Validate(Instant now, IPEndPoint client, ReadOnlySpan<byte> token)
    {
        if (token.Length < NonceLength + TagLength + 1 || token.Length > MaxTokenLength)
        {
            return TokenValidation.Invalid;
        }

        ReadOnlySpan<byte> nonce = token[..NonceLength];
        ReadOnlySpan<byte> ciphertext = token[NonceLength..^TagLength];
        ReadOnlySpan<byte> tag = token[^TagLength..];
        Span<byte> plaintext = stackalloc byte[MaxPlaintext];
        plaintext = plaintext[..ciphertext.Length];
        try
        {
            _aead.Decrypt(nonce, ciphertext, tag, plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return TokenValidation.Invalid;
        }

        var reader = new Wire.WireReader(plaintext);
        if (!reader.TryReadByte(out byte kindByte) || !reader.TryReadUInt64(out ulong issued) ||
            !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> address) || !reader.TryReadUInt16(out ushort port) ||
            !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> odcid) || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> rscid) ||
            !reader.IsEnd || odcid.Length > ConnectionId.MaxLength || rscid.Length > ConnectionId.MaxLength)
        {
            return TokenValidation.Invalid;
        }

        var kind = (TokenKind)kindByte;
        TimeSpan lifetime = kind == TokenKind.Retry ? RetryTokenLifetime : NewTokenLifetime;
        Instant issuedAt = Instant.FromTicks((long)issued);
        if (issuedAt > now || now - issuedAt > lifetime)
        {
            return TokenValidation.Expired;
        }

        Span<byte> clientAddress = stackalloc byte[16];
        if (!client.Address.TryWriteBytes(clientAddress, out int clientAddressLength) || !address.SequenceEqual(clientAddress[..clientAddressLength]))
        {
            return TokenValidation.Invalid;
        }

        if (kind == TokenKind.Retry)
        {
            if (port != client.Port)
            {
                return TokenValidation.Invalid;
            }

            return new TokenValidation(TokenVerdict.ValidRetry, new ConnectionId(odcid), new ConnectionId(rscid));
        }

        return kind == TokenKind.NewToken ? new TokenValidation(TokenVerdict.ValidNewToken, default, default) : TokenValidation.Invalid;
    }

    public void Dispose() => _aead.Dispose();

    private byte[] Seal(TokenKind kind, Instant now, IPEndPoint client, ConnectionId odcid, ConnectionId rscid)
    {
        Span<byte> plaintext = stackalloc byte[MaxPlaintext];
        var writer = new Wire.WireWriter(plaintext);
        writer.WriteByte((byte)kind);
        writer.WriteUInt64((ulong)now.Ticks);
        Span<byte> address = stackalloc byte[16];
        client.Address.TryWriteBytes(address, out int addressLength);
        writer.WriteByte((byte)addressLength);
        writer.WriteBytes(address[..addressLength]);
        writer.WriteUInt16(kind == TokenKind.Retry ? (ushort)client.Port : (ushort)0);
        writer.WriteByte((byte)odcid.Length);
        writer.WriteBytes(odcid.Span);
        writer.WriteByte((byte)rscid.Length);
        writer.WriteBytes(rscid.Span);
        int length = writer.Position;

        var token = new byte[NonceLength + length + TagLength];
        _random.Fill(token.AsSpan(0, NonceLength));
        _aead.Encrypt(token.AsSpan(0, NonceLength), plaintext[..length], token.AsSpan(NonceLength, length), token.AsSpan(NonceLength + length, TagLength));
        return token;
    }

    private enum TokenKind : byte
    {
        Retry = 1,
        NewToken = 2,
    }
}

/// <summary>What a token check found.</summary>
internal enum TokenVerdict
{
    Invalid,
    Expired,
    ValidRetry,
    ValidNewToken,
}

/// <summary>The result of <see cref="AddressValidationTokens.Validate"/>.</summary>
internal readonly record struct TokenValidation(TokenVerdict Verdict, ConnectionId OriginalDestination, ConnectionId RetrySource)
{
    public static TokenValidation Invalid => new(TokenVerdict.Invalid, default, default);

    public static TokenValidation Expired => new(TokenVerdict.Expired, default, default);

    public bool IsValid => Verdict is TokenVerdict.ValidRetry or TokenVerdict.ValidNewToken;
}
