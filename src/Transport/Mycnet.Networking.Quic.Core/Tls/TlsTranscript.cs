using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// The running transcript hash (RFC 9846 §4.1). A client sends its ClientHello before the server
/// picks the hash, so messages are kept until <see cref="SelectHash"/> and then replayed into an
/// <see cref="IncrementalHash"/>. After a HelloRetryRequest, <see cref="ReplaceWithMessageHash"/>
/// substitutes ClientHello1 with the synthetic message_hash message: 254, 00 00 Hash.length, Hash(CH1).
/// </summary>
internal sealed class TlsTranscript : IDisposable
{
    private readonly List<byte[]> _pending = [];
    private IncrementalHash? _hash;

    public bool HasHash => _hash is not null;

    public int HashLength => _hash?.HashLengthInBytes ?? throw new InvalidOperationException("The transcript hash is not selected yet.");

    /// <summary>Adds one whole handshake message (header included).</summary>
    public void Append(ReadOnlySpan<byte> message)
    {
        if (_hash is null)
        {
            _pending.Add(message.ToArray());
        }
        else
        {
            _hash.AppendData(message);
        }
    }

    /// <summary>Fixes the hash (from the negotiated suite) and hashes the messages kept so far.</summary>
    public void SelectHash(HashAlgorithmName algorithm)
    {
        if (_hash is not null)
        {
            throw new InvalidOperationException("The transcript hash is already selected.");
        }

        _hash = IncrementalHash.CreateHash(algorithm);
        foreach (byte[] message in _pending)
        {
            _hash.AppendData(message);
        }

        _pending.Clear();
    }

    /// <summary>Replaces the transcript so far (ClientHello1) with message_hash(Hash(ClientHello1)) (RFC 9846 §4.1).</summary>
    public void ReplaceWithMessageHash()
    {
        IncrementalHash hash = _hash ?? throw new InvalidOperationException("The transcript hash is not selected yet.");
        byte[] clientHelloHash = hash.GetHashAndReset();
        Span<byte> header = [(byte)TlsHandshakeType.MessageHash, 0, 0, (byte)clientHelloHash.Length];
        hash.AppendData(header);
        hash.AppendData(clientHelloHash);
    }

    /// <summary>The hash of every message appended so far.</summary>
    public byte[] GetCurrentHash() =>
        (_hash ?? throw new InvalidOperationException("The transcript hash is not selected yet.")).GetCurrentHash();

    public void Dispose()
    {
        _hash?.Dispose();
        _pending.Clear();
    }
}
