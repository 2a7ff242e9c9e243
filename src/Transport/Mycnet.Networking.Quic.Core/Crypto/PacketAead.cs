using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// The AEAD half of QUIC packet protection for one key (RFC 9001 §5.3): AES-128-GCM,
/// AES-256-GCM or ChaCha20-Poly1305, in place in the packet buffer.
/// </summary>
/// <remarks>
/// The nonce is the IV XOR the packet number left-padded to 12 bytes; the associated data is the
/// unprotected header; the 16-byte tag follows the ciphertext. The BCL AEADs accept the same span
/// as input and output (verified by the round-trip tests against out-of-place results), so a
/// packet is sealed and opened without a copy or an allocation. A failed authentication makes
/// the BCL throw and zero the output, which here is the packet's payload: the packet is then
/// garbage and must be dropped, which is what QUIC does with it anyway (RFC 9001 §5.5). The AES
/// suites run on <see cref="AesGcmNi"/> (AES-NI and PCLMULQDQ, no native call per packet) where
/// the CPU has those instructions, on the BCL's <see cref="AesGcm"/> otherwise; both produce the
/// same bytes (tested against each other and the RFC 9001 Appendix A packets). Failures
/// are counted for the integrity limit, sealed packets for the confidentiality limit (§6.6).
/// One thread at a time.
/// </remarks>
internal sealed class PacketAead : IDisposable
{
    /// <summary>The largest packet number (RFC 9000 §12.3).</summary>
    public const ulong MaxPacketNumber = (1UL << 62) - 1;

    private readonly AesGcmNi? _aesNi;
    private readonly AesGcm? _aesGcm;
    private readonly ChaCha20Poly1305? _chacha;
    private readonly byte[] _iv;
    private readonly AeadIntegrityCounter? _integrity;
    private readonly long _nearThreshold;
    private bool _disposed;

    /// <summary>Creates the AEAD of <paramref name="suite"/> with <paramref name="key"/> and <paramref name="iv"/>.</summary>
    /// <param name="suite">The cipher suite.</param>
    /// <param name="key">The AEAD key ("quic key").</param>
    /// <param name="iv">The 12-byte IV ("quic iv").</param>
    /// <param name="integrity">The connection's failure counter, or null.</param>
    /// <param name="confidentialityLimit">Packets this key may seal; null for the suite's RFC limit (tests pass small values).</param>
    /// <param name="allowHardwareAes">False to use the BCL's AES-GCM even where <see cref="AesGcmNi"/> could run (tests compare the two).</param>
    public PacketAead(CipherSuite suite, ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, AeadIntegrityCounter? integrity = null, long? confidentialityLimit = null, bool allowHardwareAes = true)
    {
        if (key.Length != suite.KeyLength())
        {
            throw new ArgumentException($"A {suite} key has {suite.KeyLength()} bytes.", nameof(key));
        }

        if (iv.Length != CipherSuiteInfo.IvLength)
        {
            throw new ArgumentException("A QUIC AEAD IV has 12 bytes.", nameof(iv));
        }

        Suite = suite;
        if (suite == CipherSuite.ChaCha20Poly1305Sha256)
        {
            _chacha = new ChaCha20Poly1305(key);
        }
        else if (allowHardwareAes && AesGcmNi.IsSupported)
        {
            _aesNi = new AesGcmNi(key);
        }
        else
        {
            _aesGcm = new AesGcm(key, CipherSuiteInfo.TagLength);
        }

        _iv = iv.ToArray();
        _integrity = integrity;
        ConfidentialityLimit = confidentialityLimit ?? suite.ConfidentialityLimit();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ConfidentialityLimit, nameof(confidentialityLimit));
        _nearThreshold = AeadLimits.NearThreshold(ConfidentialityLimit);
    }

    /// <summary>The cipher suite.</summary>
    public CipherSuite Suite { get; }

    /// <summary>Whether the AES suites run on <see cref="AesGcmNi"/> rather than the BCL.</summary>
    public bool UsesHardwareAes => _aesNi is not null;

    /// <summary>Packets sealed with this key.</summary>
    public long EncryptedPackets { get; private set; }

    /// <summary>Packets that failed authentication with this key.</summary>
    public long FailedDecryptions { get; private set; }

    /// <summary>The packets this key may seal (RFC 9001 §6.6).</summary>
    public long ConfidentialityLimit { get; }

    /// <summary>Whether this key has sealed enough packets that a key update is due (RFC 9001 §6.6).</summary>
    public bool IsConfidentialityLimitNear => EncryptedPackets >= _nearThreshold;

    /// <summary>Whether this key may seal no more packets (RFC 9001 §6.6).</summary>
    public bool IsConfidentialityLimitReached => EncryptedPackets >= ConfidentialityLimit;

    /// <summary>Whether this key has been disposed.</summary>
    public bool IsDisposed => _disposed;

    /// <summary>
    /// Seals in place: <c>packet[headerLength..headerLength + plaintextLength]</c> becomes ciphertext
    /// and the tag is written right after it, authenticating <c>packet[..headerLength]</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The lengths do not fit the buffer or the packet number exceeds 2^62 - 1.</exception>
    /// <exception cref="InvalidOperationException">The confidentiality limit is reached (RFC 9001 §6.6: the key must not be used).</exception>
    public void Encrypt(Span<byte> packet, int headerLength, int plaintextLength, ulong packetNumber)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(headerLength);
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packetNumber, MaxPacketNumber);
        if ((long)headerLength + plaintextLength + CipherSuiteInfo.TagLength > packet.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(plaintextLength), "The packet buffer has no room for the payload and the 16-byte tag.");
        }

        if (IsConfidentialityLimitReached)
        {
            throw new InvalidOperationException("The AEAD confidentiality limit of this key is reached (RFC 9001 §6.6); update keys or close the connection.");
        }

        Span<byte> nonce = stackalloc byte[CipherSuiteInfo.IvLength];
        ComputeNonce(packetNumber, nonce);
        ReadOnlySpan<byte> header = packet[..headerLength];
        Span<byte> payload = packet.Slice(headerLength, plaintextLength);
        Span<byte> tag = packet.Slice(headerLength + plaintextLength, CipherSuiteInfo.TagLength);
        if (_aesNi is not null)
        {
            _aesNi.Encrypt(nonce, payload, tag, header);
        }
        else if (_aesGcm is not null)
        {
            _aesGcm.Encrypt(nonce, payload, payload, tag, header);
        }
        else
        {
            _chacha!.Encrypt(nonce, payload, payload, tag, header);
        }

        EncryptedPackets++;
    }

    /// <summary>
    /// Opens in place: <c>packet[headerLength..headerLength + ciphertextWithTagLength]</c> holds the
    /// ciphertext followed by the tag; on success the plaintext replaces the ciphertext at
    /// <c>headerLength</c> and is <paramref name="plaintextLength"/> bytes long. Returns false,
    /// never throwing, when the lengths do not fit (they come from the wire) or authentication
    /// fails; the payload bytes are then unspecified and the packet must be dropped.
    /// </summary>
    public bool TryDecrypt(Span<byte> packet, int headerLength, int ciphertextWithTagLength, ulong packetNumber, out int plaintextLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        plaintextLength = 0;
        if (headerLength < 0 || ciphertextWithTagLength < CipherSuiteInfo.TagLength
            || (long)headerLength + ciphertextWithTagLength > packet.Length || packetNumber > MaxPacketNumber)
        {
            return false;
        }

        int length = ciphertextWithTagLength - CipherSuiteInfo.TagLength;
        Span<byte> nonce = stackalloc byte[CipherSuiteInfo.IvLength];
        ComputeNonce(packetNumber, nonce);
        ReadOnlySpan<byte> header = packet[..headerLength];
        Span<byte> payload = packet.Slice(headerLength, length);
        ReadOnlySpan<byte> tag = packet.Slice(headerLength + length, CipherSuiteInfo.TagLength);
        if (_aesNi is not null)
        {
            if (!_aesNi.TryDecrypt(nonce, payload, tag, header))
            {
                return RecordFailure();
            }

            plaintextLength = length;
            return true;
        }

        try
        {
            if (_aesGcm is not null)
            {
                _aesGcm.Decrypt(nonce, payload, tag, payload, header);
            }
            else
            {
                _chacha!.Decrypt(nonce, payload, tag, payload, header);
            }
        }
        catch (CryptographicException)
        {
            // AuthenticationTagMismatchException derives from CryptographicException (RFC 9001 §5.5: drop it).
            return RecordFailure();
        }

        plaintextLength = length;
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _aesNi?.Dispose();
        _aesGcm?.Dispose();
        _chacha?.Dispose();
        CryptographicOperations.ZeroMemory(_iv);
    }

    private bool RecordFailure()
    {
        FailedDecryptions++;
        _integrity?.RecordFailure(Suite);
        return false;
    }

    // RFC 9001 §5.3: the 62-bit packet number, big-endian, left-padded to the IV length, XOR the IV.
    private void ComputeNonce(ulong packetNumber, Span<byte> nonce)
    {
        _iv.CopyTo(nonce);
        ulong tail = BinaryPrimitives.ReadUInt64BigEndian(nonce[4..]) ^ packetNumber;
        BinaryPrimitives.WriteUInt64BigEndian(nonce[4..], tail);
    }
}
