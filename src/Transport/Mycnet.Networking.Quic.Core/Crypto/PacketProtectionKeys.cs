using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// The packet protection keys of one direction at one encryption level (RFC 9001 §5): AEAD key,
/// IV and header protection key, derived from a traffic secret.
/// </summary>
/// <remarks>
/// Send: build the header with the packet number length bits set and the packet number
/// written → <see cref="EncryptPayload"/> → <see cref="ApplyHeaderProtection"/>.
/// Receive: <see cref="TryRemoveHeaderProtection"/> → the connection decodes the full packet
/// number from the truncated one (RFC 9000 §A.3) → <see cref="TryDecryptPayload"/>.
/// The span passed is the packet alone: for a long header it ends where the Length field says
/// (coalesced packets are handled one at a time, RFC 9001 §5.4.2). One thread at a time;
/// <see cref="Dispose"/> releases the native key objects and zeroes the key material.
/// 1-RTT packets go through <see cref="OneRttKeySet"/>, which adds key updates.
/// </remarks>
internal sealed class PacketProtectionKeys : IDisposable
{
    private readonly PacketAead _aead;
    private readonly HeaderProtector _headerProtector;

    private PacketProtectionKeys(PacketAead aead, HeaderProtector headerProtector)
    {
        _aead = aead;
        _headerProtector = headerProtector;
    }

    /// <summary>The cipher suite.</summary>
    public CipherSuite Suite => _aead.Suite;

    /// <summary>Packets sealed with these keys.</summary>
    public long EncryptedPackets => _aead.EncryptedPackets;

    /// <summary>Packets that failed authentication with these keys.</summary>
    public long FailedDecryptions => _aead.FailedDecryptions;

    /// <summary>Whether a key update is due before the confidentiality limit (RFC 9001 §6.6).</summary>
    public bool IsConfidentialityLimitNear => _aead.IsConfidentialityLimitNear;

    /// <summary>Whether these keys may seal no more packets (RFC 9001 §6.6).</summary>
    public bool IsConfidentialityLimitReached => _aead.IsConfidentialityLimitReached;

    /// <summary>Whether these keys were disposed (discarded).</summary>
    public bool IsDisposed => _aead.IsDisposed;

    /// <summary>
    /// Derives keys from a traffic secret (RFC 9001 §5.1). <paramref name="secret"/> has the
    /// suite's hash length.
    /// </summary>
    /// <param name="suite">The negotiated cipher suite.</param>
    /// <param name="secret">The traffic secret of this direction and level.</param>
    /// <param name="integrity">The connection's counter of failed authentications, or null.</param>
    /// <param name="confidentialityLimit">Override of the confidentiality limit (tests), or null.</param>
    public static PacketProtectionKeys FromSecret(CipherSuite suite, ReadOnlySpan<byte> secret, AeadIntegrityCounter? integrity = null, long? confidentialityLimit = null)
    {
        QuicKeySchedule.ValidateSecret(suite, secret);
        Span<byte> key = stackalloc byte[QuicKeySchedule.MaxKeyLength];
        Span<byte> iv = stackalloc byte[CipherSuiteInfo.IvLength];
        Span<byte> hp = stackalloc byte[QuicKeySchedule.MaxKeyLength];
        try
        {
            QuicKeySchedule.DeriveKey(suite, secret, key);
            QuicKeySchedule.DeriveIv(suite, secret, iv);
            QuicKeySchedule.DeriveHeaderProtectionKey(suite, secret, hp);
            var headerProtector = new HeaderProtector(suite, hp[..suite.HeaderProtectionKeyLength()]);
            try
            {
                var aead = new PacketAead(suite, key[..suite.KeyLength()], iv, integrity, confidentialityLimit);
                return new PacketProtectionKeys(aead, headerProtector);
            }
            catch
            {
                headerProtector.Dispose();
                throw;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(iv);
            CryptographicOperations.ZeroMemory(hp);
        }
    }

    /// <summary>
    /// Applies header protection after <see cref="EncryptPayload"/> (RFC 9001 §5.4.1).
    /// <paramref name="pnLength"/> must match the first byte's Packet Number Length bits.
    /// </summary>
    /// <exception cref="ArgumentException">The packet is too short to sample: the payload must be padded (RFC 9001 §5.4.2).</exception>
    public void ApplyHeaderProtection(Span<byte> packet, int pnOffset, int pnLength) =>
        _headerProtector.Apply(packet, pnOffset, pnLength);

    /// <summary>
    /// Removes header protection (RFC 9001 §5.4.1), returning the packet number length and the
    /// truncated packet number; false when the packet is too short to hold a sample.
    /// </summary>
    public bool TryRemoveHeaderProtection(Span<byte> packet, int pnOffset, out int pnLength, out uint truncatedPacketNumber)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        return _headerProtector.TryRemove(packet, pnOffset, out pnLength, out truncatedPacketNumber);
    }

    /// <summary>
    /// Seals <c>packet[headerLength..headerLength + plaintextLength]</c> in place and writes the
    /// 16-byte tag after it (RFC 9001 §5.3). The header (<c>packet[..headerLength]</c>, up to and
    /// including the packet number) is the associated data. The packet's length is then
    /// <c>headerLength + plaintextLength + 16</c>.
    /// </summary>
    public void EncryptPayload(Span<byte> packet, int headerLength, int plaintextLength, ulong packetNumber) =>
        _aead.Encrypt(packet, headerLength, plaintextLength, packetNumber);

    /// <summary>
    /// Opens <c>packet[headerLength..headerLength + ciphertextWithTagLength]</c> in place (RFC 9001
    /// §5.3) with the full packet number; false (never an exception) when authentication fails.
    /// </summary>
    public bool TryDecryptPayload(Span<byte> packet, int headerLength, int ciphertextWithTagLength, ulong packetNumber, out int plaintextLength) =>
        _aead.TryDecrypt(packet, headerLength, ciphertextWithTagLength, packetNumber, out plaintextLength);

    /// <inheritdoc/>
    public void Dispose()
    {
        _aead.Dispose();
        _headerProtector.Dispose();
    }
}
