using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>The client and server traffic secrets of one stage (RFC 9846 §7.1).</summary>
internal readonly record struct TlsTrafficSecrets(byte[] Client, byte[] Server);

/// <summary>
/// The TLS 1.3 key schedule (RFC 9846 §7.1), as three HKDF-Extract stages:
/// <code>
///   Early Secret     = HKDF-Extract(0, PSK or 0)                       (constructor)
///   Handshake Secret = HKDF-Extract(Derive-Secret(., "derived", ""), (EC)DHE)   MixKeyExchange
///   Master Secret    = HKDF-Extract(Derive-Secret(., "derived", ""), 0)         AdvanceToMasterSecret
/// </code>
/// Traffic secrets hang off the Handshake and Master stages (labels "c hs traffic", "s hs traffic",
/// "c ap traffic", "s ap traffic"); Finished keys off each handshake traffic secret. The PSK entry
/// point is the constructor's <c>preSharedKey</c>: resumption and 0-RTT (binder_key, "c e traffic")
/// will derive from the early stage once session tickets are implemented. Stage secrets are zeroed
/// when replaced and on <see cref="Dispose"/>; returned traffic secrets belong to the caller.
/// </summary>
internal sealed class TlsKeySchedule : IDisposable
{
    private readonly HashAlgorithmName _hash;
    private readonly int _hashLength;
    private byte[] _secret;
    private Stage _stage;

    /// <summary>Starts the schedule at the Early Secret; an empty <paramref name="preSharedKey"/> means no PSK (all zeros).</summary>
    public TlsKeySchedule(CipherSuite suite, ReadOnlySpan<byte> preSharedKey = default)
    {
        Suite = suite;
        _hash = suite.Hash();
        _hashLength = suite.HashLength();
        Span<byte> zeros = stackalloc byte[_hashLength];
        zeros.Clear();
        _secret = new byte[_hashLength];
        HKDF.Extract(_hash, preSharedKey.IsEmpty ? zeros : preSharedKey, zeros, _secret);
        _stage = Stage.Early;
    }

    private enum Stage
    {
        Early,
        Handshake,
        Master,
        Disposed,
    }

    public CipherSuite Suite { get; }

    /// <summary>Early → Handshake: mixes in the (EC)DHE shared secret (RFC 9846 §7.1).</summary>
    public void MixKeyExchange(ReadOnlySpan<byte> sharedSecret)
    {
        Require(Stage.Early);
        Advance(sharedSecret);
        _stage = Stage.Handshake;
    }

    /// <summary>client/server_handshake_traffic_secret over Transcript-Hash(ClientHello..ServerHello).</summary>
    public TlsTrafficSecrets DeriveHandshakeTrafficSecrets(ReadOnlySpan<byte> transcriptHash)
    {
        Require(Stage.Handshake);
        return new TlsTrafficSecrets(
            HkdfLabel.DeriveSecret(_hash, _secret, "c hs traffic", transcriptHash),
            HkdfLabel.DeriveSecret(_hash, _secret, "s hs traffic", transcriptHash));
    }

    /// <summary>Handshake → Master: extracts with a zero input (RFC 9846 §7.1).</summary>
    public void AdvanceToMasterSecret()
    {
        Require(Stage.Handshake);
        Span<byte> zeros = stackalloc byte[_hashLength];
        zeros.Clear();
        Advance(zeros);
        _stage = Stage.Master;
    }

    /// <summary>client/server_application_traffic_secret_0 over Transcript-Hash(ClientHello..server Finished).</summary>
    public TlsTrafficSecrets DeriveApplicationTrafficSecrets(ReadOnlySpan<byte> transcriptHash)
    {
        Require(Stage.Master);
        return new TlsTrafficSecrets(
            HkdfLabel.DeriveSecret(_hash, _secret, "c ap traffic", transcriptHash),
            HkdfLabel.DeriveSecret(_hash, _secret, "s ap traffic", transcriptHash));
    }

    /// <summary>finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 9846 §4.5.3).</summary>
    public static byte[] DeriveFinishedKey(CipherSuite suite, ReadOnlySpan<byte> baseKey) =>
        HkdfLabel.Expand(suite.Hash(), baseKey, "finished", [], suite.HashLength());

    /// <summary>verify_data = HMAC(finished_key, transcript hash) (RFC 9846 §4.5.3).</summary>
    public static byte[] ComputeVerifyData(CipherSuite suite, ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> transcriptHash)
    {
        byte[] finishedKey = DeriveFinishedKey(suite, baseKey);
        try
        {
            return suite.Hash() == HashAlgorithmName.SHA384
                ? HMACSHA384.HashData(finishedKey, transcriptHash)
                : HMACSHA256.HashData(finishedKey, transcriptHash);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(finishedKey);
        }
    }

    /// <summary>Checks a received verify_data in constant time.</summary>
    public static bool VerifyFinished(CipherSuite suite, ReadOnlySpan<byte> baseKey, ReadOnlySpan<byte> transcriptHash, ReadOnlySpan<byte> received)
    {
        byte[] expected = ComputeVerifyData(suite, baseKey, transcriptHash);
        return received.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, received);
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_secret);
        _stage = Stage.Disposed;
    }

    private void Advance(ReadOnlySpan<byte> inputKeyMaterial)
    {
        byte[] salt = HkdfLabel.DeriveSecret(_hash, _secret, "derived", EmptyHash(_hash));
        var next = new byte[_hashLength];
        HKDF.Extract(_hash, inputKeyMaterial, salt, next);
        CryptographicOperations.ZeroMemory(salt);
        CryptographicOperations.ZeroMemory(_secret);
        _secret = next;
    }

    private void Require(Stage stage)
    {
        if (_stage != stage)
        {
            throw new InvalidOperationException($"The key schedule is at the {_stage} stage; this step needs {stage}.");
        }
    }

    private static byte[] EmptyHash(HashAlgorithmName hash) =>
        hash == HashAlgorithmName.SHA384 ? SHA384.HashData(ReadOnlySpan<byte>.Empty) : SHA256.HashData(ReadOnlySpan<byte>.Empty);
}
