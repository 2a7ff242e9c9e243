using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// The 1-RTT keys of a connection with key updates (RFC 9001 §6): the current read and write
/// keys, the next read keys (precomputed), the previous read keys (kept for 3×PTO), the key
/// phase, and the rules that say when an update may start and when the peer broke them.
/// </summary>
/// <remarks>
/// <para>Design. Read and write move to a new phase together, whether we initiate (§6.1) or the
/// peer does (§6.2). Moving means: previous read ← current read, current read ← next read,
/// next read ← derived from the secret after it ("quic ku"), write ← next write key. The header
/// protection keys never change (§6.1), so one protector per direction lives as long as the set.
/// Next read keys always exist, so a packet with a flipped Key Phase bit is opened with keys that
/// were derived in advance and a forged flip costs the same as any other packet (§6.3, §9.5).</para>
/// <para>Choosing keys for a received packet (§6.3, §6.5): phase bit equal to the current phase →
/// current keys; otherwise, a packet number below the lowest one received in the current phase →
/// previous keys (while kept); otherwise → next keys, and success there is the peer's update, to
/// which this set responds by moving read and write to the new phase. Previous keys are dropped
/// 3×PTO after the first packet of the new phase was opened (§6.5); the connection passes its
/// current PTO with every received packet and drives <see cref="HandleTimeout"/> by
/// <see cref="PreviousKeysDiscardDeadline"/>.</para>
/// <para>KEY_UPDATE_ERROR. <see cref="TryDecryptPayload"/> throws <see cref="QuicProtocolException"/>
/// with <see cref="TransportErrorCode.KeyUpdateError"/>, only after the packet authenticated (so a
/// forger cannot trigger it), when (a) a packet opened with newer keys has a lower packet number
/// than one already opened with older keys, in either order of arrival (§6.4: higher packet
/// numbers use the same or newer keys), or (b) the peer updates again before we sent any packet
/// in the current phase after receiving one in it, i.e. before the peer can have received an
/// acknowledgment of a packet it sent in the current phase (§6.1, §6.2: consecutive updates).
/// Rule (b) is the RFC's "before it has sent any packets with updated keys containing an
/// acknowledgment", with "a packet sent after one was received" standing in for "a packet that
/// carried the acknowledgment"; it never rejects a conforming peer. Demanding instead that the
/// peer first acknowledged one of our new-phase packets would reject a conforming peer whose
/// acknowledgment travels in the very packet that starts its next update.</para>
/// <para>Call order. Send: build the short header (the Key Phase bit is set here) →
/// <see cref="EncryptPayload"/> → <see cref="ApplyHeaderProtection"/>. Receive:
/// <see cref="TryRemoveHeaderProtection"/> → the connection decodes the full packet number →
/// <see cref="TryDecryptPayload"/> (reads the Key Phase bit from the unprotected first byte).
/// Acknowledgments of 1-RTT packets: <see cref="OnPacketAcknowledged"/>. Handshake confirmed:
/// <see cref="OnHandshakeConfirmed"/>. AEAD limit near: <see cref="TryInitiateKeyUpdate"/>.
/// One thread at a time.</para>
/// </remarks>
internal sealed class OneRttKeySet : IDisposable
{
    /// <summary>The Key Phase bit of the short header's first byte (RFC 9000 §17.3.1).</summary>
    public const byte KeyPhaseBit = 0x04;

    /// <summary>How many PTOs the previous read keys are kept after the update (RFC 9001 §6.5).</summary>
    public const int PreviousKeysRetentionPtos = 3;

    private readonly CipherSuite _suite;
    private readonly AeadIntegrityCounter? _integrity;
    private readonly long? _confidentialityLimit;
    private readonly HeaderProtector _readHeaderProtector;
    private readonly HeaderProtector _writeHeaderProtector;

    // The secret of the current write keys and of the next read keys: the inputs of the next "quic ku".
    private readonly byte[] _writeSecret;
    private readonly byte[] _nextReadSecret;

    private PacketAead _write;
    private PacketAead _currentRead;
    private PacketAead _nextRead;
    private PacketAead? _previousRead;
    private Instant _previousDiscardDeadline = Instant.MaxValue;

    // Receive state of the current phase; -1 / long.MaxValue when nothing was received in it.
    private long _lowestReceivedInPhase = long.MaxValue;
    private long _largestReceivedInPhase = -1;

    // The largest packet number opened with keys older than the current ones.
    private long _largestReceivedWithOlderKeys = -1;

    // Send state of the current phase.
    private long _firstSentInPhase = -1;
    private long _largestSent = -1;
    private bool _sentAfterReceiveInPhase;
    private bool _disposed;

    /// <summary>Creates the 1-RTT key set from the first 1-RTT traffic secrets (key phase 0).</summary>
    /// <param name="suite">The negotiated cipher suite.</param>
    /// <param name="readSecret">The peer's 1-RTT traffic secret.</param>
    /// <param name="writeSecret">Our 1-RTT traffic secret.</param>
    /// <param name="integrity">The connection's counter of failed authentications, or null.</param>
    /// <param name="confidentialityLimit">Override of the per-key confidentiality limit (tests), or null.</param>
    public OneRttKeySet(CipherSuite suite, ReadOnlySpan<byte> readSecret, ReadOnlySpan<byte> writeSecret, AeadIntegrityCounter? integrity = null, long? confidentialityLimit = null)
    {
        QuicKeySchedule.ValidateSecret(suite, readSecret);
        QuicKeySchedule.ValidateSecret(suite, writeSecret);
        _suite = suite;
        _integrity = integrity;
        _confidentialityLimit = confidentialityLimit;
        _readHeaderProtector = CreateHeaderProtector(suite, readSecret);
        _writeHeaderProtector = CreateHeaderProtector(suite, writeSecret);
        _writeSecret = writeSecret.ToArray();
        _nextReadSecret = readSecret.ToArray();
        _write = CreateAead(_writeSecret);
        _currentRead = CreateAead(_nextReadSecret);
        Advance(_nextReadSecret);
        _nextRead = CreateAead(_nextReadSecret);
    }

    /// <summary>The cipher suite.</summary>
    public CipherSuite Suite => _suite;

    /// <summary>The current key phase: the Key Phase bit of packets we send (RFC 9001 §6).</summary>
    public bool KeyPhase { get; private set; }

    /// <summary>Key updates done so far, by either side.</summary>
    public long KeyUpdateCount { get; private set; }

    /// <summary>Whether the connection reported the handshake confirmed (RFC 9001 §4.1.2).</summary>
    public bool IsHandshakeConfirmed { get; private set; }

    /// <summary>Whether the peer acknowledged a packet we sent in the current key phase (RFC 9001 §6.1).</summary>
    public bool IsCurrentPhaseAcknowledged { get; private set; }

    /// <summary>Whether the previous read keys are still kept.</summary>
    public bool HasPreviousReadKeys => _previousRead is not null;

    /// <summary>When the previous read keys are to be discarded; <see cref="Instant.MaxValue"/> when none are pending.</summary>
    public Instant PreviousKeysDiscardDeadline => _previousDiscardDeadline;

    /// <summary>Packets sealed with the current write key.</summary>
    public long EncryptedPacketsInPhase => _write.EncryptedPackets;

    /// <summary>Whether the current write key nears its confidentiality limit: time to initiate a key update (RFC 9001 §6.6).</summary>
    public bool IsConfidentialityLimitNear => _write.IsConfidentialityLimitNear;

    /// <summary>Whether the current write key may seal no more packets (RFC 9001 §6.6).</summary>
    public bool IsConfidentialityLimitReached => _write.IsConfidentialityLimitReached;

    /// <summary>Applies header protection with our (fixed) header protection key (RFC 9001 §5.4).</summary>
    public void ApplyHeaderProtection(Span<byte> packet, int pnOffset, int pnLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _writeHeaderProtector.Apply(packet, pnOffset, pnLength);
    }

    /// <summary>Removes header protection with the peer's (fixed) header protection key (RFC 9001 §5.4).</summary>
    public bool TryRemoveHeaderProtection(Span<byte> packet, int pnOffset, out int pnLength, out uint truncatedPacketNumber)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _readHeaderProtector.TryRemove(packet, pnOffset, out pnLength, out truncatedPacketNumber);
    }

    /// <summary>
    /// Sets the Key Phase bit of the short header to <see cref="KeyPhase"/> and seals the payload
    /// in place with the current write keys, writing the tag after it (RFC 9001 §5.3, §6).
    /// Packet numbers must increase from call to call.
    /// </summary>
    /// <exception cref="ArgumentException">Not a short header, or a packet number not above the last one sent.</exception>
    /// <exception cref="InvalidOperationException">The write key reached its confidentiality limit (RFC 9001 §6.6).</exception>
    public void EncryptPayload(Span<byte> packet, int headerLength, int plaintextLength, ulong packetNumber)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (headerLength < 1 || headerLength > packet.Length || (packet[0] & 0x80) != 0)
        {
            throw new ArgumentException("1-RTT packets have a short header of at least one byte.", nameof(packet));
        }

        if (packetNumber > PacketAead.MaxPacketNumber || (long)packetNumber <= _largestSent)
        {
            throw new ArgumentOutOfRangeException(nameof(packetNumber), packetNumber, "Packet numbers must increase (RFC 9000 §12.3).");
        }

        packet[0] = (byte)(KeyPhase ? packet[0] | KeyPhaseBit : packet[0] & ~KeyPhaseBit);
        _write.Encrypt(packet, headerLength, plaintextLength, packetNumber);
        long pn = (long)packetNumber;
        _largestSent = pn;
        if (_firstSentInPhase < 0)
        {
            _firstSentInPhase = pn;
        }

        if (_largestReceivedInPhase >= 0)
        {
            _sentAfterReceiveInPhase = true;
        }
    }

    /// <summary>
    /// Opens a 1-RTT packet in place with the keys its Key Phase bit and packet number select
    /// (RFC 9001 §6.3), after <see cref="TryRemoveHeaderProtection"/>; responds to a key update
    /// the peer initiated. Returns false when the packet does not authenticate (drop it).
    /// </summary>
    /// <param name="packet">The packet, header unprotected.</param>
    /// <param name="headerLength">The header length up to and including the packet number.</param>
    /// <param name="ciphertextWithTagLength">The bytes after the header: ciphertext and tag.</param>
    /// <param name="packetNumber">The full packet number the connection decoded.</param>
    /// <param name="now">The current time.</param>
    /// <param name="pto">The connection's current probe timeout (RFC 9002 §6.2.1).</param>
    /// <param name="plaintextLength">The plaintext length on success.</param>
    /// <exception cref="QuicProtocolException">KEY_UPDATE_ERROR: the peer broke the key update rules (see remarks).</exception>
    public bool TryDecryptPayload(Span<byte> packet, int headerLength, int ciphertextWithTagLength, ulong packetNumber, Instant now, TimeSpan pto, out int plaintextLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        DiscardExpiredKeys(now);
        plaintextLength = 0;
        if (headerLength < 1 || headerLength > packet.Length || packetNumber > PacketAead.MaxPacketNumber)
        {
            return false;
        }

        long pn = (long)packetNumber;
        bool phase = (packet[0] & KeyPhaseBit) != 0;
        if (phase == KeyPhase)
        {
            if (!_currentRead.TryDecrypt(packet, headerLength, ciphertextWithTagLength, packetNumber, out plaintextLength))
            {
                return false;
            }

            OnReceivedInCurrentPhase(pn, now, pto);
            return true;
        }

        if (_previousRead is not null && pn < _lowestReceivedInPhase)
        {
            // RFC 9001 §6.5: a packet number below every current-phase one used the previous keys.
            if (!_previousRead.TryDecrypt(packet, headerLength, ciphertextWithTagLength, packetNumber, out plaintextLength))
            {
                return false;
            }

            _largestReceivedWithOlderKeys = Math.Max(_largestReceivedWithOlderKeys, pn);
            return true;
        }

        if (!_nextRead.TryDecrypt(packet, headerLength, ciphertextWithTagLength, packetNumber, out plaintextLength))
        {
            // RFC 9001 §5.5: an apparent key update that does not authenticate is dropped.
            return false;
        }

        // Authenticated with the next keys: the peer initiated a key update (RFC 9001 §6.2).
        if (_largestReceivedInPhase >= 0 && pn <= _largestReceivedInPhase)
        {
            throw new QuicProtocolException(
                TransportErrorCode.KeyUpdateError,
                "A packet protected with newer keys has a lower packet number than one protected with older keys (RFC 9001 §6.4).");
        }

        if (!_sentAfterReceiveInPhase)
        {
            throw new QuicProtocolException(
                TransportErrorCode.KeyUpdateError,
                "The peer updated keys again before it could have had a packet of the current key phase acknowledged (RFC 9001 §6.2).");
        }

        MoveToNextPhase();
        OnReceivedInCurrentPhase(pn, now, pto);
        return true;
    }

    /// <summary>Reports that the handshake is confirmed (RFC 9001 §4.1.2), after which key updates may be initiated.</summary>
    public void OnHandshakeConfirmed() => IsHandshakeConfirmed = true;

    /// <summary>Reports that the peer acknowledged the 1-RTT packet <paramref name="packetNumber"/> (one we sent).</summary>
    public void OnPacketAcknowledged(ulong packetNumber)
    {
        // RFC 9001 §6.1: a packet number at or above the first one sent in this phase was sent in it.
        if (_firstSentInPhase >= 0 && packetNumber <= PacketAead.MaxPacketNumber && (long)packetNumber >= _firstSentInPhase)
        {
            IsCurrentPhaseAcknowledged = true;
        }
    }

    /// <summary>
    /// Whether we may initiate a key update now (RFC 9001 §6.1): the handshake is confirmed, a
    /// packet sent in the current phase was acknowledged, and the previous read keys of the last
    /// update are gone, i.e. 3×PTO passed since it completed (§6.5: give the peer time too).
    /// </summary>
    public bool CanInitiateKeyUpdate(Instant now)
    {
        DiscardExpiredKeys(now);
        return !_disposed && IsHandshakeConfirmed && IsCurrentPhaseAcknowledged && _previousRead is null;
    }

    /// <summary>
    /// Initiates a key update when <see cref="CanInitiateKeyUpdate"/> allows it: the next packet
    /// sent carries the new key phase (RFC 9001 §6.1). Returns false, changing nothing, otherwise.
    /// </summary>
    public bool TryInitiateKeyUpdate(Instant now)
    {
        if (!CanInitiateKeyUpdate(now))
        {
            return false;
        }

        MoveToNextPhase();

        // The previous keys are kept until 3×PTO after the first packet of the new phase arrives.
        _previousDiscardDeadline = Instant.MaxValue;
        return true;
    }

    /// <summary>Discards the previous read keys once their deadline passed (RFC 9001 §6.5).</summary>
    public void HandleTimeout(Instant now) => DiscardExpiredKeys(now);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _write.Dispose();
        _currentRead.Dispose();
        _nextRead.Dispose();
        _previousRead?.Dispose();
        _previousRead = null;
        _readHeaderProtector.Dispose();
        _writeHeaderProtector.Dispose();
        CryptographicOperations.ZeroMemory(_writeSecret);
        CryptographicOperations.ZeroMemory(_nextReadSecret);
    }

    private static HeaderProtector CreateHeaderProtector(CipherSuite suite, ReadOnlySpan<byte> secret)
    {
        Span<byte> hp = stackalloc byte[QuicKeySchedule.MaxKeyLength];
        QuicKeySchedule.DeriveHeaderProtectionKey(suite, secret, hp);
        try
        {
            return new HeaderProtector(suite, hp[..suite.HeaderProtectionKeyLength()]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hp);
        }
    }

    private PacketAead CreateAead(ReadOnlySpan<byte> secret)
    {
        Span<byte> key = stackalloc byte[QuicKeySchedule.MaxKeyLength];
        Span<byte> iv = stackalloc byte[CipherSuiteInfo.IvLength];
        try
        {
            QuicKeySchedule.DeriveKey(_suite, secret, key);
            QuicKeySchedule.DeriveIv(_suite, secret, iv);
            return new PacketAead(_suite, key[.._suite.KeyLength()], iv, _integrity, _confidentialityLimit);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(iv);
        }
    }

    // secret ← HKDF-Expand-Label(secret, "quic ku", "", Hash.length) (RFC 9001 §6.1).
    private void Advance(byte[] secret)
    {
        Span<byte> next = stackalloc byte[QuicKeySchedule.MaxSecretLength];
        QuicKeySchedule.DeriveNextSecret(_suite, secret, next);
        next[..secret.Length].CopyTo(secret);
        CryptographicOperations.ZeroMemory(next);
    }

    // Moves read and write to the next key phase and resets the per-phase state.
    private void MoveToNextPhase()
    {
        _previousRead?.Dispose();
        _previousRead = _currentRead;
        _currentRead = _nextRead;
        Advance(_nextReadSecret);
        _nextRead = CreateAead(_nextReadSecret);

        Advance(_writeSecret);
        PacketAead oldWrite = _write;
        _write = CreateAead(_writeSecret);
        oldWrite.Dispose();

        KeyPhase = !KeyPhase;
        KeyUpdateCount++;
        _largestReceivedWithOlderKeys = Math.Max(_largestReceivedWithOlderKeys, _largestReceivedInPhase);
        _lowestReceivedInPhase = long.MaxValue;
        _largestReceivedInPhase = -1;
        _firstSentInPhase = -1;
        _sentAfterReceiveInPhase = false;
        IsCurrentPhaseAcknowledged = false;
    }

    private void OnReceivedInCurrentPhase(long pn, Instant now, TimeSpan pto)
    {
        if (pn < _largestReceivedWithOlderKeys)
        {
            throw new QuicProtocolException(
                TransportErrorCode.KeyUpdateError,
                "A packet protected with older keys has a higher packet number than one protected with newer keys (RFC 9001 §6.4).");
        }

        if (_largestReceivedInPhase < 0 && _previousRead is not null)
        {
            // RFC 9001 §6.5: keep the old read keys up to 3×PTO after the new keys opened a packet.
            _previousDiscardDeadline = now + (pto * PreviousKeysRetentionPtos);
        }

        _lowestReceivedInPhase = Math.Min(_lowestReceivedInPhase, pn);
        _largestReceivedInPhase = Math.Max(_largestReceivedInPhase, pn);
    }

    private void DiscardExpiredKeys(Instant now)
    {
        if (_previousRead is not null && now >= _previousDiscardDeadline)
        {
            _previousRead.Dispose();
            _previousRead = null;
            _previousDiscardDeadline = Instant.MaxValue;
        }
    }
}
