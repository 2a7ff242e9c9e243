using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// The packet protection keys of one connection by encryption level (RFC 9001 §4, §5): read and
/// write keys for Initial, 0-RTT and Handshake, and the <see cref="OneRttKeySet"/> for 1-RTT.
/// </summary>
/// <remarks>
/// Keys are installed as TLS produces secrets and discarded as RFC 9001 §4.9 says: Initial when
/// the first Handshake packet is sent (client) or received (server), Handshake when the handshake
/// is confirmed, 0-RTT once 1-RTT keys are in use. A discarded level is disposed (key material
/// zeroed) and stays discarded: its keys cannot be fetched or installed again, so a late packet
/// at that level cannot be opened. Initial keys may be replaced before they are discarded (a
/// client derives new ones from the Retry's connection ID, RFC 9001 §5.2). Every key shares
/// <see cref="Integrity"/>, the connection-wide count of failed authentications (§6.6).
/// One thread at a time.
/// </remarks>
internal sealed class PacketProtectionKeyStore : IDisposable
{
    private const int LevelCount = 4;

    private readonly PacketProtectionKeys?[] _read = new PacketProtectionKeys?[LevelCount];
    private readonly PacketProtectionKeys?[] _write = new PacketProtectionKeys?[LevelCount];
    private readonly bool[] _discarded = new bool[LevelCount];
    private OneRttKeySet? _oneRtt;
    private bool _disposed;

    /// <summary>Creates an empty store with a fresh integrity counter.</summary>
    public PacketProtectionKeyStore()
        : this(new AeadIntegrityCounter())
    {
    }

    /// <summary>Creates an empty store whose keys count failures in <paramref name="integrity"/>.</summary>
    public PacketProtectionKeyStore(AeadIntegrityCounter integrity)
    {
        ArgumentNullException.ThrowIfNull(integrity);
        Integrity = integrity;
    }

    /// <summary>The connection-wide count of packets that failed authentication (RFC 9001 §6.6).</summary>
    public AeadIntegrityCounter Integrity { get; }

    /// <summary>Whether the integrity limit is exceeded: close with AEAD_LIMIT_REACHED (RFC 9001 §6.6).</summary>
    public bool IsIntegrityLimitExceeded => Integrity.IsLimitExceeded;

    /// <summary>The 1-RTT key set, or null before <see cref="InstallOneRtt"/> or after discarding.</summary>
    public OneRttKeySet? OneRtt => _oneRtt;

    /// <summary>
    /// Derives and installs the Initial keys from the client's first Destination Connection ID
    /// (RFC 9001 §5.2), replacing earlier Initial keys (after a Retry).
    /// </summary>
    /// <param name="clientDestinationConnectionId">The Destination Connection ID of the client's first Initial (or the Retry's SCID).</param>
    /// <param name="isClient">Whether this endpoint is the client: it writes with the client secret and reads with the server's.</param>
    public void InstallInitial(ReadOnlySpan<byte> clientDestinationConnectionId, bool isClient)
    {
        Span<byte> client = stackalloc byte[QuicKeySchedule.InitialSecretLength];
        Span<byte> server = stackalloc byte[QuicKeySchedule.InitialSecretLength];
        try
        {
            QuicKeySchedule.DeriveInitialSecrets(clientDestinationConnectionId, client, server);
            InstallRead(EncryptionLevel.Initial, QuicKeySchedule.InitialSuite, isClient ? server : client);
            InstallWrite(EncryptionLevel.Initial, QuicKeySchedule.InitialSuite, isClient ? client : server);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(client);
            CryptographicOperations.ZeroMemory(server);
        }
    }

    /// <summary>Installs the keys for reading packets at <paramref name="level"/> (not 1-RTT) from the peer's traffic secret.</summary>
    /// <exception cref="InvalidOperationException">The level was discarded.</exception>
    public void InstallRead(EncryptionLevel level, CipherSuite suite, ReadOnlySpan<byte> secret) =>
        Install(_read, level, suite, secret);

    /// <summary>Installs the keys for writing packets at <paramref name="level"/> (not 1-RTT) from our traffic secret.</summary>
    /// <exception cref="InvalidOperationException">The level was discarded.</exception>
    public void InstallWrite(EncryptionLevel level, CipherSuite suite, ReadOnlySpan<byte> secret) =>
        Install(_write, level, suite, secret);

    /// <summary>Installs the 1-RTT keys (key phase 0) from both 1-RTT traffic secrets.</summary>
    /// <exception cref="InvalidOperationException">1-RTT keys are already installed or were discarded.</exception>
    public void InstallOneRtt(CipherSuite suite, ReadOnlySpan<byte> readSecret, ReadOnlySpan<byte> writeSecret)
    {
        ThrowIfUnusable(EncryptionLevel.OneRtt);
        if (_oneRtt is not null)
        {
            throw new InvalidOperationException("1-RTT keys are installed once; later keys come from key updates (RFC 9001 §6).");
        }

        _oneRtt = new OneRttKeySet(suite, readSecret, writeSecret, Integrity);
    }

    /// <summary>The read keys of <paramref name="level"/> (not 1-RTT: see <see cref="OneRtt"/>); false when not installed or discarded.</summary>
    public bool TryGetReadKeys(EncryptionLevel level, [NotNullWhen(true)] out PacketProtectionKeys? keys) =>
        TryGet(_read, level, out keys);

    /// <summary>The write keys of <paramref name="level"/> (not 1-RTT: see <see cref="OneRtt"/>); false when not installed or discarded.</summary>
    public bool TryGetWriteKeys(EncryptionLevel level, [NotNullWhen(true)] out PacketProtectionKeys? keys) =>
        TryGet(_write, level, out keys);

    /// <summary>Whether packets at <paramref name="level"/> can be opened now.</summary>
    public bool CanRead(EncryptionLevel level) =>
        level == EncryptionLevel.OneRtt ? _oneRtt is not null : _read[(int)level] is not null;

    /// <summary>Whether packets at <paramref name="level"/> can be sealed now.</summary>
    public bool CanWrite(EncryptionLevel level) =>
        level == EncryptionLevel.OneRtt ? _oneRtt is not null : _write[(int)level] is not null;

    /// <summary>Whether <paramref name="level"/> was discarded.</summary>
    public bool IsDiscarded(EncryptionLevel level) => _discarded[(int)level];

    /// <summary>
    /// Discards both directions of <paramref name="level"/> (RFC 9001 §4.9): the keys are disposed
    /// and the level can no longer be used or installed. Discarding twice is harmless.
    /// </summary>
    public void Discard(EncryptionLevel level)
    {
        int index = LevelIndex(level);
        _discarded[index] = true;
        _read[index]?.Dispose();
        _read[index] = null;
        _write[index]?.Dispose();
        _write[index] = null;
        if (level == EncryptionLevel.OneRtt)
        {
            _oneRtt?.Dispose();
            _oneRtt = null;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int i = 0; i < LevelCount; i++)
        {
            Discard((EncryptionLevel)i);
        }
    }

    private static int LevelIndex(EncryptionLevel level)
    {
        int index = (int)level;
        if ((uint)index >= LevelCount)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown encryption level.");
        }

        return index;
    }

    private bool TryGet(PacketProtectionKeys?[] keysByLevel, EncryptionLevel level, [NotNullWhen(true)] out PacketProtectionKeys? keys)
    {
        if (level == EncryptionLevel.OneRtt)
        {
            throw new ArgumentException("1-RTT keys live in the OneRtt key set.", nameof(level));
        }

        keys = keysByLevel[LevelIndex(level)];
        return keys is not null;
    }

    private void Install(PacketProtectionKeys?[] keysByLevel, EncryptionLevel level, CipherSuite suite, ReadOnlySpan<byte> secret)
    {
        if (level == EncryptionLevel.OneRtt)
        {
            throw new ArgumentException("1-RTT keys are installed with InstallOneRtt.", nameof(level));
        }

        ThrowIfUnusable(level);
        PacketProtectionKeys keys = PacketProtectionKeys.FromSecret(suite, secret, Integrity);
        int index = (int)level;
        keysByLevel[index]?.Dispose();
        keysByLevel[index] = keys;
    }

    private void ThrowIfUnusable(EncryptionLevel level)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_discarded[LevelIndex(level)])
        {
            throw new InvalidOperationException($"The {level} keys were discarded and cannot be installed again (RFC 9001 §4.9).");
        }
    }
}
